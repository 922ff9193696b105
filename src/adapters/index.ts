/** Queues under test: the contract and its implementations (reference, mutants, HTTP/JSON). */
export * from './contract.js';
export { ReferenceQueue, type WallClockOptions } from './reference.js';
export { HttpJsonQueue, type HttpJsonOptions } from './http-json.js';
export { serveReferenceOverHttp, serveQueueOverHttp, type ServeOptions, type Served } from './http-json-server.js';
export { PROTOCOL, TIME_HEADER, LATENCY_HEADER } from './http-json-wire.js';
export { MUTANTS, findMutant, type MutantInfo } from './mutants/index.js';
export { CloudTasksQueue, type CloudTasksOptions } from './cloud-tasks.js';
export { parseCloudTasksAddress, type CloudTasksAddress } from './cloud-tasks-address.js';
export { DeliveryListener } from './cloud-tasks-listener.js';
export { builtInAdapters, createAdapter, UnknownAdapter } from './registry.js';
export { openAdapter, parseAdapterSpec, type AdapterTarget } from './adapter-spec.js';
export { renderQueueYaml } from './queue-yaml-text.js';
