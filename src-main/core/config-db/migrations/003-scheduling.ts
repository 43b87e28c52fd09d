/**
 * Policies that run themselves: a session may belong to a parent (a policy run and its per-resource
 * tasks), and each policy remembers, in UTC, the last scheduled run it accounted for — so missed
 * runs become one catch-up run and a clock moved backwards never runs a schedule twice.
 */
export const schedulingSchema = `
ALTER TABLE sessions ADD COLUMN parent_id TEXT;
CREATE INDEX sessions_parent ON sessions(parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE policy_schedule_state (
  policy_id TEXT PRIMARY KEY REFERENCES policies(id) ON DELETE CASCADE,
  last_due_at TEXT NOT NULL,
  last_session_id TEXT,
  last_started_at TEXT,
  last_result TEXT
) STRICT;
`;
