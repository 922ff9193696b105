/**
 * Property-based exploration (run after the fixed cases): each case varies one part of a delivery over
 * everything the contract allows and keeps the rest plain, so a refusal is attributed to one rule.
 */
import {
  countsArb,
  etaArb,
  exploreDimension,
  type HandlerCase,
  payloadArb,
  queueNameArb,
  taskNameArb,
} from '../../src/conform/kit.js';

const BODY_METHODS = ['POST', 'PUT', 'PATCH'];

export const exploreTaskNames: HandlerCase = {
  id: 'P-TASK-1',
  title: 'Exploration: task names over all of TASK-1',
  rules: ['TASK-1', 'HDR-2'],
  requirement:
    'TASK-1: a task name is any match of ^[a-zA-Z0-9_-]{1,500}$ (`0`, `-`, digits only, 500 characters…); HDR-2 carries it.',
  severity: 'required',
  run: (ctx) =>
    exploreDimension(ctx, {
      varies: 'task names over TASK-1 (^[a-zA-Z0-9_-]{1,500}$)',
      rules: ['TASK-1', 'HDR-2'],
      arbitrary: (base) => taskNameArb().map((name) => ({ ...base, name })),
    }),
};

export const exploreEta: HandlerCase = {
  id: 'P-HDR-5',
  title: 'Exploration: every ETA form HDR-5 allows',
  rules: ['HDR-5'],
  requirement:
    'HDR-5: X-AppEngine-TaskETA is seconds since the epoch as a decimal; a handler must accept any number of fractional digits, and none.',
  severity: 'required',
  run: (ctx) =>
    exploreDimension(ctx, {
      varies: 'ETAs in every form HDR-5 allows (no fraction, `.0`, 1–9 fractional digits)',
      rules: ['HDR-5'],
      arbitrary: (base) => etaArb().map((eta) => ({ ...base, eta })),
    }),
};

export const exploreCounts: HandlerCase = {
  id: 'P-HDR-3',
  title: 'Exploration: retry and execution counts up to large values',
  rules: ['HDR-3', 'HDR-4', 'HDR-6', 'HDR-7'],
  requirement:
    "HDR-3/4/6/7: RetryCount grows by one per attempt with no upper bound but the queue's limits; ExecutionCount ≤ RetryCount; PreviousResponse and RetryReason on every retry.",
  severity: 'required',
  run: (ctx) =>
    exploreDimension(ctx, {
      varies: 'RetryCount up to 2147483647 with a consistent ExecutionCount, PreviousResponse and RetryReason',
      rules: ['HDR-3', 'HDR-4', 'HDR-6', 'HDR-7'],
      arbitrary: (base) => countsArb(ctx.options.executionCounts5xx).map((c) => ({ ...base, ...c })),
    }),
};

export const exploreQueues: HandlerCase = {
  id: 'P-HDR-1',
  title: 'Exploration: queue names over TASK-1',
  rules: ['HDR-1', 'TASK-1'],
  requirement: "HDR-1: X-AppEngine-QueueName is the queue's name, any match of ^[a-zA-Z0-9-]{1,100}$ (TASK-1).",
  // As H-3.7: an app may serve one queue only.
  severity: 'recommended',
  run: (ctx) =>
    exploreDimension(ctx, {
      varies: 'queue names over TASK-1 (^[a-zA-Z0-9-]{1,100}$)',
      rules: ['HDR-1', 'TASK-1'],
      arbitrary: (base) => queueNameArb().map((queue) => ({ ...base, queue })),
    }),
};

export const explorePayloads: HandlerCase = {
  id: 'P-HANDLER-6',
  title: 'Exploration: payloads and Content-Types (--explore-payloads)',
  rules: ['HANDLER-6', 'TASK-3'],
  requirement:
    'HANDLER-6: payload arrives as the request body, default Content-Type application/octet-stream; TASK-3: up to 100 KiB.',
  severity: 'required',
  assumes: { methods: BODY_METHODS }, // only tasks that carry a body
  run: (ctx) =>
    exploreDimension(ctx, {
      varies: 'payloads (empty, UTF-8, binary, up to 100 KiB) and the Content-Types a task may carry',
      rules: ['HANDLER-6', 'TASK-3'],
      arbitrary: (base) =>
        payloadArb(undefined, base.contentType).map((p) => {
          const { contentType: _drop, ...rest } = base;
          const method = ctx.app.methods.find((m) => BODY_METHODS.includes(m)) ?? 'POST';
          return {
            ...rest,
            method,
            body: p.body,
            ...(p.contentType === undefined ? {} : { contentType: p.contentType }),
          };
        }),
    }),
};

/** Exploring cases, in the order they run (payloads only with --explore-payloads). */
export const EXPLORATION_CASES: readonly HandlerCase[] = [exploreTaskNames, exploreEta, exploreCounts, exploreQueues];
export const PAYLOAD_EXPLORATION: HandlerCase = explorePayloads;
