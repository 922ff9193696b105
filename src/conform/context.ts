/** Builds the CaseContext a case runs with, and keeps the evidence of what it sent. */
import type { ProfileName, ScalingType } from '../model/config.js';
import type { NamedOptions } from '../model/options.js';
import type { Delivery } from '../model/types.js';
import type { TraceEvent } from '../sim/events.js';
import type { Target, TargetResponse } from '../targets/types.js';
import type { CaseContext, DirectRequest, DrivePlan, DriveResult } from './case.js';
import { driveEngine } from './drive.js';

export interface RunSetup {
  target: Target;
  profile: ProfileName;
  scaling: ScalingType;
  timeoutMs: number;
  deadlineLabel: string;
  /** The engine's request deadline (virtual µs). */
  deadlineUs: number;
  concurrency: number;
  path: string;
  nonce: string;
  /** SPEC §10 options by name, over the profile's defaults. */
  options?: NamedOptions;
}

/** One exchange as the report shows it. */
export interface EvidenceExchange {
  attempt: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  bodyBytes: number;
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
    scaling: setup.scaling,
    timeoutMs: setup.timeoutMs,
    deadlineLabel: setup.deadlineLabel,
    concurrency: setup.concurrency,
    path: setup.path,
    taskName: (suffix) => `tasksim-${slug}-${setup.nonce}${suffix === undefined ? '' : `-${suffix}`}`,
    drive: async (plan: DrivePlan): Promise<DriveResult> => {
      const run = await driveEngine({ ...setup, seed }, plan);
      for (const x of run.exchanges) evidence.exchanges.push(record(x.delivery, x.response, { injected: x.injected }));
      evidence.traces.push(run.events);
      return run;
    },
    send: async (req: DirectRequest): Promise<TargetResponse> => {
      const d = directDelivery(req, setup.deadlineUs);
      const response = await setup.target.deliver(d, { timeoutMs: setup.timeoutMs });
      evidence.exchanges.push(record(d, response, { direct: true }));
      return response;
    },
  };
  return { ctx, evidence };
}

function directDelivery(req: DirectRequest, deadlineUs: number): Delivery {
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

function record(d: Delivery, r: TargetResponse, flags: { injected?: boolean; direct?: boolean }): EvidenceExchange {
  const x: EvidenceExchange = {
    attempt: d.attempt,
    method: d.method,
    url: d.url,
    headers: d.headers,
    bodyBytes: d.body?.byteLength ?? 0,
    status: r.status,
    outcome: r.outcome,
    latencyMs: Math.round(r.latencyUs) / 1000,
  };
  if (r.detail) x.detail = r.detail;
  if (flags.injected) x.injected = true;
  if (flags.direct) x.direct = true;
  return x;
}
