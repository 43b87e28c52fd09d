import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';

/** What the scheduler remembers of one policy, in UTC. */
export interface PolicyScheduleState {
  policyId: string;
  /** The last scheduled run accounted for (run, caught up or skipped). */
  lastDueAt: string;
  lastSessionId: string | null;
  lastStartedAt: string | null;
  /** A one-line result: the session's status, or why a due run did not start. */
  lastResult: string | null;
  /** The last weekly health check accounted for, and its session. */
  healthDueAt: string | null;
  healthSessionId: string | null;
}

const rowSchema = z.object({ policy_id: z.string(), last_due_at: z.string(), last_session_id: z.string().nullable(), last_started_at: z.string().nullable(), last_result: z.string().nullable(), health_due_at: z.string().nullable(), health_session_id: z.string().nullable() });

/** The scheduler's memory per policy (survives restarts: missed runs are known after a crash or a closed app). */
export class PolicyScheduleStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  get(policyId: string): PolicyScheduleState | undefined {
    const row = this.db.prepare('SELECT * FROM policy_schedule_state WHERE policy_id = ?').get(policyId);
    if (!row) return undefined;
    const r = rowSchema.parse(row);
    return { policyId: r.policy_id, lastDueAt: r.last_due_at, lastSessionId: r.last_session_id, lastStartedAt: r.last_started_at, lastResult: r.last_result, healthDueAt: r.health_due_at, healthSessionId: r.health_session_id };
  }

  put(state: PolicyScheduleState): void {
    this.db
      .prepare(
        `INSERT INTO policy_schedule_state (policy_id, last_due_at, last_session_id, last_started_at, last_result, health_due_at, health_session_id) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(policy_id) DO UPDATE SET last_due_at = excluded.last_due_at, last_session_id = excluded.last_session_id, last_started_at = excluded.last_started_at,
           last_result = excluded.last_result, health_due_at = excluded.health_due_at, health_session_id = excluded.health_session_id`,
      )
      .run(state.policyId, state.lastDueAt, state.lastSessionId, state.lastStartedAt, state.lastResult, state.healthDueAt, state.healthSessionId);
  }
}
