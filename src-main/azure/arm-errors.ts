import { AppError } from '../shared/errors.ts';

/**
 * Turns an ARM failure into a message that says what to do: a missing role names the action Azure
 * denied; an expired token says to sign in again; throttling and conflicts are named as such.
 */
export function translateArmError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; details?: { error?: { code?: string; message?: string } } };
  const code = e.details?.error?.code ?? e.code ?? '';
  const message = e.details?.error?.message ?? e.message ?? String(error);
  if (code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed' || e.statusCode === 403) {
    const action = /action '([^']+)'/.exec(message)?.[1];
    return new AppError('forbidden', action ? `${what}: Azure denied the action ${action}. Grant the app a role that includes it (see docs/permissions.md).` : `${what}: access denied (${message}).`, { action, armCode: code });
  }
  if (code === 'ExpiredAuthenticationToken' || code === 'InvalidAuthenticationToken' || e.statusCode === 401) {
    return new AppError('unauthorized', `${what}: the Azure credentials are no longer valid (${code || 'HTTP 401'}). Sign in again.`, { armCode: code });
  }
  if (e.statusCode === 404) return new AppError('not_found', `${what}: not found (${message}).`, { armCode: code });
  if (e.statusCode === 409) return new AppError('conflict', `${what}: ${message}`, { armCode: code });
  return new AppError('unavailable', `${what}: ${message}`, { armCode: code, status: e.statusCode });
}
