/**
 * The first schema. Secrets are never stored here: sign-ins and repositories hold `secret_ref`,
 * a key into the secret store. JSON columns hold documents validated with zod when read.
 */
export const initialSchema = `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE cloud_profiles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('AzureCloud','AzureUSGovernment','AzureChinaCloud','Custom')),
  arm_endpoint TEXT NOT NULL,
  authority_host TEXT NOT NULL,
  storage_suffix TEXT NOT NULL,
  ca_cert_path TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE sign_ins (
  id TEXT PRIMARY KEY,
  cloud_profile_id TEXT NOT NULL REFERENCES cloud_profiles(id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('interactive','device-code','service-principal-secret','service-principal-certificate')),
  account_name TEXT,
  secret_ref TEXT,
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  sign_in_id TEXT REFERENCES sign_ins(id) ON DELETE SET NULL,
  tenant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  state TEXT NOT NULL,
  synced_at TEXT NOT NULL
) STRICT;

CREATE TABLE protected_resources (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cosmosdb-account','postgres-cluster','mongo-vcore-cluster')),
  api TEXT,
  location TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  properties TEXT NOT NULL DEFAULT '{}',
  deleted INTEGER NOT NULL DEFAULT 0,
  synced_at TEXT NOT NULL
) STRICT;
CREATE INDEX protected_resources_subscription ON protected_resources(subscription_id);

CREATE TABLE repositories (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  location TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('local','azure-blob')),
  is_archive INTEGER NOT NULL DEFAULT 0,
  encrypted INTEGER NOT NULL DEFAULT 1,
  secret_ref TEXT,
  size_bytes INTEGER,
  restore_point_count INTEGER,
  last_check_at TEXT,
  last_check_status TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE worker_configurations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  region TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  subnet_id TEXT,
  vm_size TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE policies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  enabled INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','running','canceling','canceled','succeeded','warning','failed')),
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  progress TEXT,
  summary TEXT,
  resource_id TEXT,
  policy_id TEXT,
  warning_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  owner_instance TEXT,
  owner_pid INTEGER,
  owner_host TEXT,
  heartbeat_at TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sessions_created ON sessions(created_at DESC);
CREATE INDEX sessions_status ON sessions(status);

CREATE TABLE session_log (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  time TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('debug','info','warn','error')),
  message TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE restore_points (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('continuous','repository','archive')),
  resource_id TEXT NOT NULL,
  policy_id TEXT,
  repository_id TEXT REFERENCES repositories(id) ON DELETE CASCADE,
  session_id TEXT,
  point_time TEXT NOT NULL,
  window_start TEXT,
  window_end TEXT,
  gfs TEXT NOT NULL DEFAULT '[]',
  size_bytes INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX restore_points_resource ON restore_points(resource_id, point_time DESC);
`;
