/**
 * What `tasksim fuzz --adapter` names, read without loading any transport: `reference`,
 * `mutant:<name>`, an `http://host:port` URL of a queue serving the HTTP/JSON protocol, or
 * `cloud-tasks://host:port` of a Cloud Tasks service (cloud-tasks-address.ts). `openAdapter` loads
 * the HTTP client or gRPC only for the spec that needs it, so a run against the reference (or a
 * usage error) starts without them; registry.ts makes the same queues synchronously.
 */
import {
  BadCloudTasksAddress,
  isCloudTasksAddress,
  parseCloudTasksAddress,
  type CloudTasksAddress,
} from './cloud-tasks-address.js';
import type { QueueUnderTest } from './contract.js';
import type { HttpJsonOptions } from './http-json.js';
import { MUTANTS, OverlappingMutants, findMutant } from './mutants/index.js';
import { ReferenceQueue } from './reference.js';

/** `reference`, then `mutant:<name>` for each built-in mutant: what `tasksim fuzz --list` prints. */
export function builtInAdapters(): string[] {
  return ['reference', ...MUTANTS.map((m) => `mutant:${m.name}`)];
}

export class UnknownAdapter extends Error {
  constructor(spec: string, why?: string) {
    super(
      why ??
        `unknown adapter ${JSON.stringify(spec)}: expected reference, mutant:<name>[+<name>…] (see --list), http://host:port or cloud-tasks://host:port`,
    );
    this.name = 'UnknownAdapter';
  }
}

/** A spec, read: an in-process queue to make, or the address of a remote one. */
export type AdapterTarget =
  | { kind: 'in-process'; create: () => QueueUnderTest }
  | { kind: 'cloud-tasks'; address: CloudTasksAddress }
  | { kind: 'http-json'; baseUrl: string };

/** Reads a spec; throws UnknownAdapter with what was wrong. */
export function parseAdapterSpec(spec: string): AdapterTarget {
  if (spec === 'reference') return { kind: 'in-process', create: () => new ReferenceQueue() };
  if (spec.startsWith('mutant:')) {
    let m;
    try {
      m = findMutant(spec.slice('mutant:'.length));
    } catch (err) {
      if (err instanceof OverlappingMutants) throw new UnknownAdapter(spec, err.message);
      throw err;
    }
    if (!m) throw new UnknownAdapter(spec);
    const mutant = m;
    return { kind: 'in-process', create: () => mutant.create() };
  }
  if (isCloudTasksAddress(spec)) {
    try {
      return { kind: 'cloud-tasks', address: parseCloudTasksAddress(spec) };
    } catch (err) {
      if (err instanceof BadCloudTasksAddress) throw new UnknownAdapter(spec, err.message);
      throw err;
    }
  }
  if (/^https?:\/\//i.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new UnknownAdapter(spec);
    }
    return { kind: 'http-json', baseUrl: url.toString().replace(/\/$/, '') };
  }
  throw new UnknownAdapter(spec);
}

/** The queue a spec names, its transport (undici, gRPC) loaded only when the spec needs it. */
export async function openAdapter(spec: string, http: HttpJsonOptions = {}): Promise<QueueUnderTest> {
  const target = parseAdapterSpec(spec);
  switch (target.kind) {
    case 'in-process':
      return target.create();
    case 'cloud-tasks': {
      const { CloudTasksQueue } = await import('./cloud-tasks.js');
      return new CloudTasksQueue(target.address, { timeoutMs: http.timeoutMs });
    }
    case 'http-json': {
      const { HttpJsonQueue } = await import('./http-json.js');
      return new HttpJsonQueue(target.baseUrl, http);
    }
  }
}
