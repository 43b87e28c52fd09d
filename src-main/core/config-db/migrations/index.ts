import { initialSchema } from './001-initial.ts';
import { azureSchema } from './002-azure.ts';
import { schedulingSchema } from './003-scheduling.ts';
import { healthCheckSchema } from './004-health-checks.ts';
import { touchedTargetsSchema } from './005-touched-targets.ts';
import { restoreAuditSchema } from './006-restore-audit.ts';
import { workersSchema } from './007-workers.ts';
import { repositorySizeHistorySchema } from './008-repository-size-history.ts';

/** One forward-only schema step. `version` is stored in `PRAGMA user_version` once it has run. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration in order. Append only: a released migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initialSchema },
  { version: 2, name: 'azure control plane', sql: azureSchema },
  { version: 3, name: 'scheduling', sql: schedulingSchema },
  { version: 4, name: 'health checks', sql: healthCheckSchema },
  { version: 5, name: 'touched restore targets', sql: touchedTargetsSchema },
  { version: 6, name: 'restore audit', sql: restoreAuditSchema },
  { version: 7, name: 'workers on Azure', sql: workersSchema },
  { version: 8, name: 'repository size history', sql: repositorySizeHistorySchema },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
