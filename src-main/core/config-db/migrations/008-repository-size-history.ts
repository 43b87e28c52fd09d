/**
 * Repository size over time for the dashboard: the size and restore-point count a repository had at
 * the end of each UTC day it changed (the last figure of the day wins), so the history stays small.
 */
export const repositorySizeHistorySchema = `
CREATE TABLE repository_size_history (
  repository_id TEXT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  restore_point_count INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (repository_id, day)
) STRICT;
-- Start each repository's history with the size it has now, so the chart does not begin at zero.
INSERT INTO repository_size_history (repository_id, day, size_bytes, restore_point_count, recorded_at)
  SELECT id, date('now'), size_bytes, COALESCE(restore_point_count, 0), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM repositories WHERE size_bytes IS NOT NULL;
`;
