/**
 * One request before the suite that says what is at the URL: nothing, something that is not HTTP,
 * TLS where plain HTTP was asked for (or the reverse), nothing that answers in time, or nothing at
 * that path (404). Each is one message instead of a suite of identical failures. Bounded: one request
 * (two on a 404, one TLS handshake on a non-HTTP answer), each within `timeoutMs`.
 */
import type { PushAnswer } from '../sim/exchange.js';
import { connect as tlsConnect } from 'node:tls';
import { HEADER } from '../model/headers.js';
import { formatEpochSeconds, DEFAULT_EPOCH_US } from '../sim/time.js';
import { HttpTarget } from '../targets/http-target.js';
import { formatMs } from '../targets/net-errors.js';
import { realClearTimeout, realSetTimeout } from '../targets/real-timers.js';
import type { Target } from '../targets/types.js';
import type { Delivery } from '../model/types.js';
import { directDelivery } from './context.js';

export type PreflightResult =
  | { ok: true }
  | { ok: false; problem: 'unreachable' | 'tls' | 'not-http' | 'no-answer' | 'not-found'; message: string };

const TLS_REFUSED = /wrong version number|packet length too long|unknown protocol|ERR_SSL_WRONG_VERSION_NUMBER|EPROTO/i;
const CERT_PROBLEM = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** A bare request to the URL's own path: no queue, no task, no deadline of its own. */
function delivery(headers: Record<string, string>): Delivery {
  return directDelivery({ url: '', headers }, 0);
}

/**
 * `wrap` puts the run's header dialect on the second request (an HTTP target's X-CloudTasks-* names).
 * The first request carries no queue headers, so a compliant handler refuses it and does no work.
 */
export async function preflight(
  url: URL,
  timeoutMs: number,
  wrap: (t: Target) => Target = (t) => t,
): Promise<PreflightResult> {
  const http = new HttpTarget(url, { connections: 1, connectTimeoutMs: timeoutMs });
  const target = wrap(http);
  const origin = url.origin;
  const tried = `Tried: one POST to ${url.href} (timeout ${formatMs(timeoutMs)}).`;
  try {
    const r = await target.deliver(delivery({ 'Content-Type': 'application/octet-stream' }), { timeoutMs });
    if (r.unreachable) {
      return fail(
        'unreachable',
        `cannot reach ${origin}: ${r.detail}.\n  ${tried}\n  Is the handler running, and listening on that host and port? Check the scheme (http/https) and the port, then run again.`,
      );
    }
    if (r.outcome === 'deadline') {
      return fail(
        'no-answer',
        `${origin} accepted the connection but sent no answer within ${formatMs(timeoutMs)}.\n  ${tried}\n` +
          "  Is this the handler's port (not a proxy or a database)? If the handler is just slow to start, raise --deadline.",
      );
    }
    if (r.outcome === 'net') return await notHttp(url, r, timeoutMs, tried);
    if (r.status === 404) {
      // A 404 to a request without queue headers may be the handler's own refusal: ask once as the queue would.
      const headers = {
        [HEADER.queueName]: 'default',
        [HEADER.taskName]: `tasksim-preflight-${Date.now().toString(36)}`,
        [HEADER.retryCount]: '0',
        [HEADER.executionCount]: '0',
        [HEADER.eta]: formatEpochSeconds(DEFAULT_EPOCH_US),
        'Content-Type': 'application/octet-stream',
      };
      const again = await target.deliver(delivery(headers), { timeoutMs });
      if (again.status === 404) {
        return fail(
          'not-found',
          `${url.href} answers 404 Not Found, with and without the queue's headers: no handler at ${url.pathname}.\n` +
            "  Check the path (the handler's route, e.g. /tasks/handler or /_ah/queue/default), then run again.",
        );
      }
    }
    return { ok: true };
  } finally {
    await target.close();
    await http.close();
  }
}

function fail(problem: Exclude<PreflightResult, { ok: true }>['problem'], message: string): PreflightResult {
  return { ok: false, problem, message };
}

async function notHttp(url: URL, r: PushAnswer, timeoutMs: number, tried: string): Promise<PreflightResult> {
  const detail = r.detail ?? 'connection failed';
  if (url.protocol === 'https:') {
    if (TLS_REFUSED.test(detail)) {
      const plain = new URL(url.href);
      plain.protocol = 'http:';
      return fail(
        'tls',
        `${url.origin} does not speak TLS (${detail}): it looks like plain HTTP.\n  ${tried}\n  Use ${plain.href}`,
      );
    }
    if (CERT_PROBLEM.test(detail))
      return fail('tls', `${url.origin}: its TLS certificate is not trusted (${detail}).\n  ${tried}`);
  } else if (await speaksTls(url, Math.min(timeoutMs, 2_000))) {
    const secure = new URL(url.href);
    secure.protocol = 'https:';
    return fail(
      'tls',
      `${url.origin} speaks TLS (HTTPS), not plain HTTP (${detail}).\n  ${tried}\n  Use ${secure.href}`,
    );
  }
  return fail(
    'not-http',
    `${url.origin} does not speak HTTP: ${detail}.\n  ${tried}\n  Is this the handler's port? Check the port, then run again.`,
  );
}

/** Whether the port completes a TLS handshake (any certificate: this only tells HTTPS from the rest). */
function speaksTls(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tlsConnect({
      host,
      port: Number(url.port || 443),
      rejectUnauthorized: false,
      ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }),
    });
    const done = (yes: boolean): void => {
      realClearTimeout(timer);
      socket.destroy();
      resolve(yes);
    };
    const timer = realSetTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}
