// placeholder, replaced below
import type { QueueUnderTest } from './contract.js';
export interface HttpJsonOptions { timeoutMs?: number; handlerHost?: string }
export class HttpJsonQueue { constructor(readonly url: string, readonly opts: HttpJsonOptions) {} }
export type _Q = QueueUnderTest;
