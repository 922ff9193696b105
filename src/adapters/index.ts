/** Queues under test: the contract and its implementations (reference, mutants, HTTP/JSON). */
export * from './contract.js';
export { ReferenceQueue, type WallClockOptions } from './reference.js';
export { HttpJsonQueue, type HttpJsonOptions } from './http-json.js';
export { serveReferenceOverHttp, serveQueueOverHttp, type ServeOptions, type Served } from './http-json-server.js';
export { PROTOCOL, TIME_HEADER, LATENCY_HEADER } from './http-json-wire.js';
export { MUTANTS, findMutant, type MutantInfo } from './mutants/index.js';
export { builtInAdapters, createAdapter, UnknownAdapter } from './registry.js';
export { renderQueueYaml } from './queue-yaml-text.js';
