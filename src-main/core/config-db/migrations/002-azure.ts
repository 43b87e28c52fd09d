/**
 * Azure control plane: a cloud profile remembers its token audience (sovereign and custom clouds
 * differ from their ARM host), and every point-in-time restore is recorded with its reason and
 * the resource it created, so a restore that failed half-way is never left unreported.
 */
export const azureSchema = `
ALTER TABLE cloud_profiles ADD COLUMN arm_audience TEXT;

CREATE TABLE azure_restores (
  id TEXT PRIMARY KEY,
  session_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('cosmos-account','cosmos-in-account','postgres-cluster','mongo-vcore-cluster')),
  source_resource_id TEXT NOT NULL,
  target_resource_id TEXT NOT NULL,
  restore_time TEXT NOT NULL,
  reason TEXT NOT NULL,
  request TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed')),
  error TEXT,
  created_at TEXT NOT NULL,
  ended_at TEXT
) STRICT;
CREATE INDEX azure_restores_created ON azure_restores(created_at DESC);
`;
