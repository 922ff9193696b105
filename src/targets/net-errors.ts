/**
 * Turns the errors of a failed HTTP exchange into what the queue would see (HANDLER-2): a missed
 * deadline (DEADLINE-2) or a connection failure, each with a short detail a person can act on.
 */
export interface Classified {
  outcome: 'net' | 'deadline';
  detail: string;
  /** The connection was never made: nothing listening, no such host (the CLI's exit 3). */
  unreachable: boolean;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'ECONNREFUSED (connection refused: nothing is listening there)',
  ENOTFOUND: 'ENOTFOUND (no such host)',
  EAI_AGAIN: 'EAI_AGAIN (DNS lookup failed)',
  EHOSTUNREACH: 'EHOSTUNREACH (host unreachable)',
  ENETUNREACH: 'ENETUNREACH (network unreachable)',
  EADDRNOTAVAIL: 'EADDRNOTAVAIL (address not available)',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout (no TCP connection)',
};

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `timedOutMs` is set when our own overall timer fired. */
export function classifyError(err: unknown, timeoutMs: number, timedOut: boolean): Classified {
  const code = codeOf(err) ?? '';
  if (timedOut || TIMEOUTS.has(code)) {
    return { outcome: 'deadline', detail: `timed out after ${formatMs(timeoutMs)}`, unreachable: false };
  }
  if (UNREACHABLE[code]) return { outcome: 'net', detail: UNREACHABLE[code], unreachable: true };
  const name = (err as { name?: string } | null)?.name ?? '';
  if (code.startsWith('HPE_') || name === 'HTTPParserError') {
    return { outcome: 'net', detail: `not HTTP: ${messageOf(err) || code}`, unreachable: false };
  }
  if (RESETS.has(code)) {
    const what = /closed/i.test(messageOf(err)) ? 'connection closed before a complete response' : 'connection reset';
    return { outcome: 'net', detail: `${what} (${code})`, unreachable: false };
  }
  return { outcome: 'net', detail: code ? `${code}: ${messageOf(err)}` : messageOf(err), unreachable: false };
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(3)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)}m`;
  return `${+(ms / 3_600_000).toFixed(2)}h`;
}
