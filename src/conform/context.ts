/** Builds the CaseContext a case runs with, and keeps the evidence of what it sent. */
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import type { ProfileName, ProfileOptions, ScalingType } from '../model/config.js';
import type { Delivery } from '../model/types.js';
import type { TraceEvent } from '../sim/events.js';
import { asSent, wireOf, type Target } from '../targets/types.js';
import type {
  AppFacts,
  CaseContext,
  DefaultPayload,
  DirectRequest,
  DrivePlan,
  DriveResult,
  ExplorationSettings,
} from './case.js';
import { driveEngine } from './drive.js';

export interface RunSetup {
  target: Target;
  profile: ProfileName;
  /** The run's SPEC §10 readings (the profile's defaults with the user's options applied). */
  options: ProfileOptions;
  scaling: ScalingType;
  app: AppFacts;
  /** The user's default body (`--payload`), if any. */
  payload?: DefaultPayload;
  exploration: ExplorationSettings;
  timeoutMs: number;
  deadlineLabel: string;
  /** The engine's request deadline (virtual µs). */
  deadlineUs: number;
  concurrency: number;
  path: string;
  nonce: string;
}

/** Request bodies are kept in the evidence up to this many bytes (the size is always recorded). */
export const EVIDENCE_BODY_BYTES = 2048;

/** One exchange as the report shows it: the request exactly as sent, and the answer. */
export interface EvidenceExchange {
  attempt: number;
  method: string;
  /** The request target actually sent (path and query), not the queue's default task URL. */
  url: string;
  /** Every header sent, as sent. */
  headers: Record<string, string>;
  bodyBytes: number;
  /** The body sent (its first EVIDENCE_BODY_BYTES): UTF-8 text, or base64 when it is not text. */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  bodyTruncated?: boolean;
  status: number;
  outcome: string;
  latencyMs: number;
  detail?: string;
  /** Answered by the harness (a scripted failure), not sent to the handler. */
  injected?: boolean;
  /** Sent outside the engine. */
  direct?: boolean;
}

export interface Evidence {
  exchanges: EvidenceExchange[];
  /** The engine's traces, one per driven run. */
  traces: TraceEvent[][];
}

export function createContext(setup: RunSetup, caseId: string, seed: number): { ctx: CaseContext; evidence: Evidence } {
  const evidence: Evidence = { exchanges: [], traces: [] };
  const slug = caseId.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const ctx: CaseContext = {
    target: setup.target,
    seed,
    profile: setup.profile,
    options: setup.options,
    scaling: setup.scaling,
    app: setup.app,
    timeoutMs: setup.timeoutMs,
    deadlineLabel: setup.deadlineLabel,
    concurrency: setup.concurrency,
    path: setup.path,
    body: (fallback) => {
      if (!setup.payload) return fallback === '' ? {} : { payload: fallback };
      return setup.payload.contentType
        ? { payload: setup.payload.bytes, headers: { 'Content-Type': setup.payload.contentType } }
        : { payload: setup.payload.bytes };
    },
    taskName: (suffix) => `tasksim-${slug}-${setup.nonce}${suffix === undefined ? '' : `-${suffix}`}`,
    drive: async (plan: DrivePlan): Promise<DriveResult> => {
      const run = await driveEngine({ ...setup, seed }, plan);
      for (const x of run.exchanges) {
        // An injected answer never went on the wire: it is shown as the engine's delivery.
        const sent = x.injected ? asSent(x.delivery) : wireOf(setup.target, x.delivery);
        evidence.exchanges.push(record(x.delivery.attempt, sent, x.response, { injected: x.injected }));
      }
      evidence.traces.push(run.events);
      return run;
    },
    exploration: setup.exploration,
    probe: (req: DirectRequest): Promise<PushAnswer> =>
      setup.target.deliver(directDelivery(req, setup.deadlineUs), { timeoutMs: setup.timeoutMs }),
    send: async (req: DirectRequest): Promise<PushAnswer> => {
      const d = directDelivery(req, setup.deadlineUs);
      const response = await setup.target.deliver(d, { timeoutMs: setup.timeoutMs });
      evidence.exchanges.push(record(0, wireOf(setup.target, d), response, { direct: true }));
      return response;
    },
  };
  return { ctx, evidence };
}

export function directDelivery(req: DirectRequest, deadlineUs: number): Delivery {
  return {
    key: 0,
    id: 0,
    queue: '',
    name: '',
    attempt: 0,
    method: req.method ?? 'POST',
    url: req.url ?? '/_ah/queue/default',
    headers: req.headers,
    body: req.body,
    deadlineUs,
    duplicate: false,
  };
}

function record(
  attempt: number,
  sent: PushRequest,
  r: PushAnswer,
  flags: { injected?: boolean; direct?: boolean },
): EvidenceExchange {
  const x: EvidenceExchange = {
    attempt,
    method: sent.method,
    url: sent.url,
    headers: sent.headers,
    bodyBytes: sent.body?.byteLength ?? 0,
    ...bodyEvidence(sent.body),
    status: r.status,
    outcome: r.outcome,
    latencyMs: Math.round(r.latencyUs) / 1000,
  };
  if (r.detail) x.detail = r.detail;
  if (flags.injected) x.injected = true;
  if (flags.direct) x.direct = true;
  return x;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body as the report shows it: text when it is UTF-8, else base64; cut at EVIDENCE_BODY_BYTES. */
export function bodyEvidence(
  body: Uint8Array | undefined,
): Pick<EvidenceExchange, 'body' | 'bodyEncoding' | 'bodyTruncated'> {
  if (!body || body.byteLength === 0) return {};
  const truncated = body.byteLength > EVIDENCE_BODY_BYTES;
  const head = body.subarray(0, EVIDENCE_BODY_BYTES);
  let out: Pick<EvidenceExchange, 'body' | 'bodyEncoding'>;
  try {
    out = { body: UTF8.decode(head), bodyEncoding: 'utf8' };
  } catch {
    out = { body: Buffer.from(head).toString('base64'), bodyEncoding: 'base64' };
  }
  return truncated ? { ...out, bodyTruncated: true } : out;
}
