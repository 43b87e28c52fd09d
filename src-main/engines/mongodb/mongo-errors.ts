import { EngineError } from '../engine-error.ts';
import type { Redactor } from '../redact.ts';
import { errorCode } from './throttling.ts';

const AUTHENTICATION_FAILED = 18;
const UNAUTHORIZED = 13;

/** Every message of an error and its causes, for telling failure kinds apart. */
function messages(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(String((current as { message?: unknown }).message ?? current));
    const reason = (current as { reason?: { servers?: Map<string, { error?: unknown }> } }).reason;
    for (const server of reason?.servers?.values() ?? []) if (server.error) parts.push(String((server.error as { message?: unknown }).message ?? server.error));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

/**
 * A driver failure as an engine error whose message a user can act on, with every secret masked.
 * `where` names the server (no password in it). Engine errors pass through.
 */
export function toEngineError(error: unknown, where: string, redact: Redactor, signal?: AbortSignal): Error {
  if (error instanceof EngineError) return error;
  if (signal?.aborted) return new EngineError('canceled', 'The job was canceled.');
  const name = (error as { name?: string } | null)?.name ?? '';
  const text = redact(messages(error));
  const code = errorCode(error);
  if (code === AUTHENTICATION_FAILED || /Authentication failed|auth(entication)? error/i.test(text)) {
    return new EngineError('auth_failed', `${where} refused the login: wrong user name or password (${text}).`, { cause: error });
  }
  if (code === UNAUTHORIZED) return new EngineError('auth_failed', `The login may not do this on ${where}: ${text}`, { cause: error });
  if (/certificate|SSL|TLS|EPROTO|wrong version number/i.test(text)) {
    return new EngineError('tls_failed', `TLS with ${where} failed: ${text}. Check tls= and tlsCAFile= in the connection string.`, { cause: error });
  }
  if (name === 'MongoServerSelectionError' || name === 'MongoNetworkError' || name === 'MongoNetworkTimeoutError' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|connection .* closed/i.test(text)) {
    return new EngineError('unreachable', `${where} cannot be reached: ${text}. Check the host, the port, the firewall and whether the server requires TLS (tls=true).`, { cause: error });
  }
  return new Error(text, { cause: error });
}
