import { z } from 'zod';

/** Every error code that may cross a transport. Codes are stable: scripts and the console match on them. */
export const ERROR_CODES = [
  'invalid_payload',
  'unknown_channel',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'canceled',
  'data_dir_unusable',
  'config_db_corrupt',
  'config_db_too_new',
  'validation_failed',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire shape of an error: `{ code, message, details }`, the same on IPC, WebSocket and CLI `--json`. */
export const errorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

/** An error meant for the user: its message is shown as is, its code says what kind of failure it was. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into the wire shape; unexpected errors keep their message but become `internal`. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  if (error instanceof Error) return { code: 'internal', message: error.message };
  return { code: 'internal', message: String(error) };
}

/** One precise problem with an input: `path` names the field (e.g. `schedules.daily.time`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Flattens zod issues into `{ path, message }` pairs with dotted paths. */
export function describeZodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** A `validation_failed` AppError whose message lists every issue, one per line. */
export function validationError(what: string, issues: ValidationIssue[]): AppError {
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  return new AppError('validation_failed', `${what} is not valid:\n${lines}`, { issues });
}
