import { ArmError, badRequest } from '../arm-error.ts';
import type { ArmContext } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import type { Operation, OperationSpec } from '../lro.ts';

export type Json = Record<string, unknown>;

/** The value as a plain object, or {} (request bodies are untrusted). */
export function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Parses an ISO timestamp from a request, or throws 400 naming the field. */
export function parseTime(value: unknown, field: string): number {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw badRequest(`The value '${String(value)}' of '${field}' is not a valid UTC timestamp.`);
  return t;
}

/** Starts an operation, honouring a lroFail fault on this request. */
export function startOperation(ctx: ArmContext, spec: Omit<OperationSpec, 'failure'>): Operation {
  return ctx.env.operations.start({ ...spec, failure: ctx.lroFailure });
}

/** A reply that started `op`: ARM's Azure-AsyncOperation, Location and Retry-After headers. */
export function lroReply(ctx: ArmContext, op: Operation, status: number, body?: unknown): EmulatorReply {
  return { status, body, headers: ctx.env.operations.headers(op, ctx.baseUrl, ctx.apiVersion, ctx.env.settings.retryAfterSeconds) };
}

/** 412 as Cosmos DB answers while another operation holds the account. */
export function busy(name: string): ArmError {
  return new ArmError(
    412,
    'PreconditionFailed',
    `There is already an operation in progress which requires exclusive lock on this service ${name}. Please retry the operation after sometime.`,
  );
}
