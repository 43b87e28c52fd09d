/**
 * Workers on Azure: the worker configurations the admin chose (one per region), and a record of
 * every worker VM the app created, so no VM is forgotten — whatever happens to the app — and a job
 * that outlived the app can be collected on the next start.
 */
export const workersSchema = `
-- The first schema's placeholder table was never written to; this one replaces it.
DROP TABLE worker_configurations;
CREATE TABLE worker_configurations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  region TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('azure','this-computer')),
  subscription_id TEXT,
  resource_group TEXT,
  subnet_id TEXT,
  vm_sizes TEXT NOT NULL DEFAULT '[]',
  tags TEXT NOT NULL DEFAULT '{}',
  keep_warm_minutes INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  vm_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  region TEXT NOT NULL,
  size TEXT,
  configuration_id TEXT,
  job_id TEXT,
  session_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('provisioning','running','releasing','kept-warm','released','release-failed')),
  mailbox TEXT,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  released_at TEXT,
  keep_until TEXT,
  note TEXT
) STRICT;
CREATE INDEX workers_state ON workers(state);
`;
