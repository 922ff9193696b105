/**
 * Adapters by the name `tasksim fuzz --adapter` takes: `reference`, `mutant:<name>`, an
 * `http://host:port` URL of a queue serving the HTTP/JSON protocol, or `cloud-tasks://host:port`
 * of a Cloud Tasks service (cloud-tasks-address.ts).
 */
import { BadCloudTasksAddress, isCloudTasksAddress, parseCloudTasksAddress } from './cloud-tasks-address.js';
import { CloudTasksQueue } from './cloud-tasks.js';
import type { QueueUnderTest } from './contract.js';
import { HttpJsonQueue, type HttpJsonOptions } from './http-json.js';
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

export function createAdapter(spec: string, http: HttpJsonOptions = {}): QueueUnderTest {
  if (spec === 'reference') return new ReferenceQueue();
  if (spec.startsWith('mutant:')) {
    let m;
    try {
      m = findMutant(spec.slice('mutant:'.length));
    } catch (err) {
      if (err instanceof OverlappingMutants) throw new UnknownAdapter(spec, err.message);
      throw err;
    }
    if (!m) throw new UnknownAdapter(spec);
    return m.create();
  }
  if (isCloudTasksAddress(spec)) {
    try {
      return new CloudTasksQueue(parseCloudTasksAddress(spec), { timeoutMs: http.timeoutMs });
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
    return new HttpJsonQueue(url.toString().replace(/\/$/, ''), http);
  }
  throw new UnknownAdapter(spec);
}
