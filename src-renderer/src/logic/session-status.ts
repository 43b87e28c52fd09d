import {
  SESSION_KINDS,
  SESSION_STATUSES,
  isFinalStatus,
  type Session,
  type SessionKind,
  type SessionStatus,
} from '../../../src-main/shared/session.ts';

/**
 * How session statuses and kinds read in the console, how they group on the dashboard, and which
 * of two records of the same session is the newer one.
 */

/** Visual tone of a status; each maps to a colour token *and* an icon, so colour is never the only cue. */
export type StatusTone = 'neutral' | 'active' | 'success' | 'warning' | 'danger';

export const STATUS_LABELS: Record<SessionStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  canceling: 'Canceling',
  canceled: 'Canceled',
  succeeded: 'Succeeded',
  warning: 'Warning',
  failed: 'Failed',
};

export const STATUS_TONES: Record<SessionStatus, StatusTone> = {
  queued: 'neutral',
  running: 'active',
  canceling: 'warning',
  canceled: 'neutral',
  succeeded: 'success',
  warning: 'warning',
  failed: 'danger',
};

/** A glyph shown next to the label (hidden from screen readers, which read the label). */
export const STATUS_ICONS: Record<SessionStatus, string> = {
  queued: '◷',
  running: '▶',
  canceling: '■',
  canceled: '⊘',
  succeeded: '✓',
  warning: '!',
  failed: '✕',
};

export const KIND_LABELS: Record<SessionKind, string> = {
  'environment-check': 'Environment check',
  'sign-in': 'Azure sign-in',
  configuration: 'Configuration',
  sync: 'Synchronization',
  backup: 'Backup',
  archive: 'Archive',
  retention: 'Retention',
  restore: 'Restore',
  'health-check': 'Health check',
  rescan: 'Repository rescan',
  repository: 'Repository',
  policy: 'Policy run',
  worker: 'Worker',
};

export const STATUS_OPTIONS = SESSION_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] }));
export const KIND_OPTIONS = SESSION_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));

/** Only sessions that have not begun to stop can be canceled. */
export function isCancellable(status: SessionStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Sessions that still hold resources: queued, running or canceling. */
export function isActive(status: SessionStatus): boolean {
  return !isFinalStatus(status);
}

/** Number of sessions in every status (every status present, zero when none). */
export function countByStatus(sessions: Iterable<Session>): Record<SessionStatus, number> {
  const counts = Object.fromEntries(SESSION_STATUSES.map((s) => [s, 0])) as Record<SessionStatus, number>;
  for (const session of sessions) counts[session.status]++;
  return counts;
}

/** The dashboard's groups: what is in flight, and how finished sessions ended. */
export interface StatusGroup {
  id: 'active' | 'succeeded' | 'warning' | 'failed' | 'canceled';
  label: string;
  tone: StatusTone;
  statuses: readonly SessionStatus[];
}

export const STATUS_GROUPS: readonly StatusGroup[] = [
  { id: 'active', label: 'In progress', tone: 'active', statuses: ['queued', 'running', 'canceling'] },
  { id: 'succeeded', label: 'Succeeded', tone: 'success', statuses: ['succeeded'] },
  { id: 'warning', label: 'Warning', tone: 'warning', statuses: ['warning'] },
  { id: 'failed', label: 'Failed', tone: 'danger', statuses: ['failed'] },
  { id: 'canceled', label: 'Canceled', tone: 'neutral', statuses: ['canceled'] },
];

/** Sums `countByStatus` into the dashboard groups. */
export function countByGroup(counts: Record<SessionStatus, number>): Record<StatusGroup['id'], number> {
  const result = {} as Record<StatusGroup['id'], number>;
  for (const group of STATUS_GROUPS) result[group.id] = group.statuses.reduce((sum, s) => sum + counts[s], 0);
  return result;
}

const STATUS_STAGE: Record<SessionStatus, number> = {
  queued: 0,
  running: 1,
  canceling: 2,
  canceled: 3,
  succeeded: 3,
  warning: 3,
  failed: 3,
};

/**
 * Decides whether `incoming` may replace `current` (both describe the same session). Events and
 * list responses can cross on the wire, so an older snapshot must not undo a newer one: a session
 * never moves back in its lifecycle (queued → running → canceling → final) nor loses log lines.
 */
export function isNewerSnapshot(incoming: Session, current: Session | undefined): boolean {
  if (!current) return true;
  if (STATUS_STAGE[incoming.status] < STATUS_STAGE[current.status]) return false;
  if (incoming.lastSeq < current.lastSeq) return false;
  return true;
}

/** Newest first by creation time; ties by id so the order is stable. */
export function compareSessionsNewestFirst(a: Session, b: Session): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The list filter of the Sessions view; an empty list means "any". */
export interface SessionFilter {
  statuses: SessionStatus[];
  kinds: SessionKind[];
  /** Only the sessions of this policy / resource (empty: any). */
  policyId?: string;
  resourceId?: string;
  /** Only sessions created in the last … (empty: any time). */
  since?: SessionSince;
}

export const SINCE_OPTIONS = [
  { value: '24h', label: 'Last 24 hours', hours: 24 },
  { value: '7d', label: 'Last 7 days', hours: 168 },
  { value: '30d', label: 'Last 30 days', hours: 720 },
] as const;
export type SessionSince = (typeof SINCE_OPTIONS)[number]['value'] | '';

/** The earliest creation time a `since` filter lets through (ISO), or undefined for any time. */
export function sinceTime(since: SessionSince | undefined, nowMs: number): string | undefined {
  const option = SINCE_OPTIONS.find((o) => o.value === since);
  return option ? new Date(nowMs - option.hours * 3_600_000).toISOString() : undefined;
}

export function matchesFilter(session: Session, filter: SessionFilter, nowMs = Date.now()): boolean {
  if (filter.statuses.length && !filter.statuses.includes(session.status)) return false;
  if (filter.kinds.length && !filter.kinds.includes(session.kind)) return false;
  if (filter.policyId && session.policyId !== filter.policyId) return false;
  if (filter.resourceId && session.resourceId?.toLowerCase() !== filter.resourceId.toLowerCase()) return false;
  const after = sinceTime(filter.since, nowMs);
  if (after && session.createdAt < after) return false;
  return true;
}
