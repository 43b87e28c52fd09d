import { z } from 'zod';

/** Kinds of long work. Every one runs as a session with a live log. */
export const SESSION_KINDS = [
  'environment-check',
  'configuration',
  'sync',
  'backup',
  'archive',
  'retention',
  'restore',
  'health-check',
  'rescan',
  'repository',
  'policy',
  'sign-in',
  'worker',
] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SESSION_STATUSES = ['queued', 'running', 'canceling', 'canceled', 'succeeded', 'warning', 'failed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses a session never leaves. */
export const FINAL_STATUSES: readonly SessionStatus[] = ['canceled', 'succeeded', 'warning', 'failed'];
export function isFinalStatus(status: SessionStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export const progressSchema = z.object({
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  unit: z.string(),
  /** Units per second over the recent past, or null before there is enough to say. */
  rate: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type Progress = z.infer<typeof progressSchema>;

export const sessionSchema = z.object({
  id: z.string(),
  kind: z.enum(SESSION_KINDS),
  title: z.string(),
  status: z.enum(SESSION_STATUSES),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  progress: progressSchema.nullable(),
  /** The final one-line outcome, e.g. "5 checks passed, 1 warning". */
  summary: z.string().nullable(),
  resourceId: z.string().nullable(),
  policyId: z.string().nullable(),
  /** The session this one is a task of (a policy run's per-resource backups), or null. */
  parentId: z.string().nullable(),
  warningCount: z.number().int().nonnegative(),
  errorCount: z.number().int().nonnegative(),
  /** Sequence number of the last log line written (0 when none). */
  lastSeq: z.number().int().nonnegative(),
});
export type Session = z.infer<typeof sessionSchema>;

export const logLineSchema = z.object({
  sessionId: z.string(),
  seq: z.number().int().positive(),
  time: z.string(),
  level: z.enum(LOG_LEVELS),
  message: z.string(),
});
export type LogLine = z.infer<typeof logLineSchema>;
