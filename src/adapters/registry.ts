/**
 * Adapters by the name `tasksim fuzz --adapter` takes (adapter-spec.ts), made synchronously: this
 * module loads every transport. The CLI uses adapter-spec.ts's `openAdapter`, which loads only the
 * one the spec needs.
 */
import { parseAdapterSpec } from './adapter-spec.js';
import { CloudTasksQueue } from './cloud-tasks.js';
import type { QueueUnderTest } from './contract.js';
import { HttpJsonQueue, type HttpJsonOptions } from './http-json.js';

export { UnknownAdapter, builtInAdapters } from './adapter-spec.js';

export function createAdapter(spec: string, http: HttpJsonOptions = {}): QueueUnderTest {
  const target = parseAdapterSpec(spec);
  switch (target.kind) {
    case 'in-process':
      return target.create();
    case 'cloud-tasks':
      return new CloudTasksQueue(target.address, { timeoutMs: http.timeoutMs });
    case 'http-json':
      return new HttpJsonQueue(target.baseUrl, http);
  }
}
