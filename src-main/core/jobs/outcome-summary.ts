import type { JobOutcome } from '../../worker/protocol.ts';
import { formatBytes } from '../../shared/format-units.ts';

/** The one-line summary of a worker job's outcome, as sessions and the CLI show it. */
export function summarizeOutcome(outcome: JobOutcome): string {
  const rows = outcome.databases.reduce((sum, database) => sum + database.rows, 0);
  const names = outcome.databases.map((database) => database.name).join(', ');
  if (outcome.kind === 'backup') {
    return `Restore point ${outcome.restorePointId.slice(0, 12)}: ${outcome.databases.length} database(s) (${names}), ${rows} rows, ${formatBytes(outcome.size)}, ${formatBytes(outcome.uploadedBytes)} uploaded.`;
  }
  return `Restored ${outcome.databases.length} database(s) (${names}), ${rows} rows, to ${outcome.outputs.join(', ')}.`;
}
