/** A policy's weekly health check is scheduled like its backups: the last one accounted for, in UTC. */
export const healthCheckSchema = `
ALTER TABLE policy_schedule_state ADD COLUMN health_due_at TEXT;
ALTER TABLE policy_schedule_state ADD COLUMN health_session_id TEXT;
`;
