import type { JobOutcome } from '../../worker/protocol.ts';
import { formatBytes } from '../../shared/format-units.ts';

/**
 * The one-line summary of a worker job's outcome, as sessions and the CLI show it. `engine` names
 * what was counted (MongoDB counts documents, PostgreSQL rows); a backup knows its own engine.
 */
export function summarizeOutcome(outcome: JobOutcome, engine?: string): string {
  if (outcome.kind === 'copy') {
    return outcome.copied ? `Copied as restore point ${outcome.targetRestorePointId.slice(0, 12)} (${formatBytes(outcome.uploadedBytes)} uploaded).` : `Already copied as restore point ${outcome.targetRestorePointId.slice(0, 12)}.`;
  }
  const count = outcome.databases.reduce((sum, database) => sum + database.rows, 0);
  const unit = (outcome.kind === 'backup' ? outcome.restorePoint.engine.name : engine) === 'mongodb' ? 'documents' : 'rows';
  const names = outcome.databases.map((database) => database.name).join(', ');
  if (outcome.kind === 'backup') {
    return `Restore point ${outcome.restorePointId.slice(0, 12)}: ${outcome.databases.length} database(s) (${names}), ${count} ${unit}, ${formatBytes(outcome.size)}, ${formatBytes(outcome.uploadedBytes)} uploaded.`;
  }
  return `Restored ${outcome.databases.length} database(s) (${names}), ${count} ${unit}, to ${outcome.outputs.join(', ')}.`;
}
