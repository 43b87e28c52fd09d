/** Failure kinds an engine reports; the session shows the message, tools can branch on the code. */
export type EngineErrorCode =
  | 'auth_failed'
  | 'unreachable'
  | 'tls_refused'
  | 'tls_failed'
  | 'not_found'
  | 'target_not_empty'
  | 'lock_timeout'
  | 'tool_failed'
  | 'invalid_argument'
  | 'canceled';

/** An engine failure whose message is safe to show (no secret in it). */
export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}
