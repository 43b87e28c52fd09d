import { AppError } from '../../shared/errors.ts';
import { normalizeRegion } from '../cosmos-account-facts.ts';
import type { RestorableResources } from '../restorable-resources.ts';

/** Cosmos DB account names: 3–44 lower-case letters, digits and hyphens, no hyphen at either end. */
const ACCOUNT_NAME = /^[a-z0-9](?:[a-z0-9-]{1,42})[a-z0-9]$/;

export function checkAccountName(name: string): void {
  if (!ACCOUNT_NAME.test(name)) {
    throw new AppError('validation_failed', `"${name}" is not a valid Cosmos DB account name: use 3–44 lower-case letters, digits and hyphens, not starting or ending with a hyphen.`, { field: 'targetName' });
  }
}

/** Resource group names: 1–90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period. */
export function checkResourceGroupName(name: string): void {
  if (!/^[-\w.()]{1,90}$/.test(name) || name.endsWith('.')) {
    throw new AppError('validation_failed', `"${name}" is not a valid resource group name.`, { field: 'targetResourceGroup' });
  }
}

/** Default safety margin: a timestamp this close to either end of the window is refused. */
export const DEFAULT_MARGIN_MS = 5 * 60_000;

/**
 * The timestamp must sit inside the restorable window with a margin: the oldest restorable time
 * moves forward while the request travels, and the latest one lags behind now.
 */
export function checkTimestamp(timestamp: Date, window: { start: Date; end: Date }, marginMs: number, endIsDeletion: boolean): void {
  if (Number.isNaN(timestamp.getTime())) throw new AppError('validation_failed', 'The restore timestamp is not a valid date.', { field: 'timestamp' });
  const earliest = new Date(window.start.getTime() + marginMs);
  const latest = new Date(window.end.getTime() - (endIsDeletion ? 0 : marginMs));
  if (timestamp < earliest || timestamp > latest) {
    throw new AppError(
      'validation_failed',
      `The restore timestamp ${timestamp.toISOString()} is outside the restorable window ${window.start.toISOString()} – ${window.end.toISOString()}${marginMs ? ` (with a safety margin of ${Math.round(marginMs / 60_000)} min: choose between ${earliest.toISOString()} and ${latest.toISOString()})` : ''}.`,
      { field: 'timestamp', windowStart: window.start.toISOString(), windowEnd: window.end.toISOString() },
    );
  }
}

/** The region must be one the source account can be restored to. */
export function checkRegion(region: string, restorableLocations: readonly string[]): string {
  const wanted = normalizeRegion(region);
  const match = restorableLocations.find((l) => normalizeRegion(l) === wanted);
  if (!match) {
    throw new AppError('validation_failed', `Region "${region}" is not allowed: the source account can only be restored to ${restorableLocations.join(', ')}.`, { field: 'region', allowed: restorableLocations });
  }
  return match;
}

/** A selection of what to restore: databases (with some or all of their containers/collections/graphs) or tables. */
export interface RestoreSelection {
  databases?: { name: string; children?: string[] }[];
  tables?: string[];
}

/** Every selected database, container and table must have existed at the restore timestamp. */
export function checkSelection(selection: RestoreSelection | undefined, existing: RestorableResources, at: Date, childLabel: string): void {
  if (!selection) return;
  const problems: string[] = [];
  for (const db of selection.databases ?? []) {
    const found = existing.databases.find((d) => d.name === db.name);
    if (!found) {
      problems.push(`database "${db.name}" did not exist (databases then: ${existing.databases.map((d) => d.name).join(', ') || 'none'})`);
      continue;
    }
    for (const child of db.children ?? []) {
      if (!found.children.includes(child)) problems.push(`${childLabel} "${db.name}/${child}" did not exist (${db.name} then held: ${found.children.join(', ') || 'nothing'})`);
    }
  }
  for (const table of selection.tables ?? []) {
    if (!existing.tables.includes(table)) problems.push(`table "${table}" did not exist (tables then: ${existing.tables.join(', ') || 'none'})`);
  }
  if (problems.length) {
    throw new AppError('validation_failed', `The selection names resources that did not exist at ${at.toISOString()}: ${problems.join('; ')}.`, { field: 'selection', problems });
  }
}
