/**
 * Restore targets a restore has started to change, recorded as they are touched, so a restore that
 * fails, is canceled, or is lost with its process still names every half-restored database, and
 * the next successful restore of the same target clears the flag.
 */
export const touchedTargetsSchema = `
CREATE TABLE touched_targets (
  session_id TEXT NOT NULL,
  server TEXT NOT NULL,
  database TEXT NOT NULL,
  touched_at TEXT NOT NULL,
  restored_at TEXT,
  PRIMARY KEY (session_id, server, database)
) STRICT;
CREATE INDEX touched_targets_open ON touched_targets(server, database) WHERE restored_at IS NULL;
`;
