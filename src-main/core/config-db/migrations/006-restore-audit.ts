/**
 * Who restored what, when and why: one row per restore started (repository and point-in-time
 * alike), written before the restore changes anything, kept with the session that ran it.
 */
export const restoreAuditSchema = `
CREATE TABLE restore_audit (
  session_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('repository','point-in-time')),
  what TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX restore_audit_created ON restore_audit(created_at DESC);
`;
