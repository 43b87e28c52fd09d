import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { RESOURCE_KIND_LABELS } from './policy-summary.ts';

/**
 * Repository and archive restore points as the console shows them: the catalog record's loose
 * `metadata` read defensively (a record written by another version may lack any field), grouped
 * per protected resource, newest first.
 */

/** One entry (a database dump, a collection…) inside a restore point. */
export interface EntryView {
  name: string;
  size: number | null;
  /** Rows, documents… as the engine counted them. */
  counts: Record<string, number>;
}

export interface RepositoryPointView {
  id: string;
  archive: boolean;
  time: string;
  resourceId: string;
  resourceName: string;
  resourceKind: string | null;
  repositoryId: string | null;
  repositoryName: string;
  /** The repository's location (what the CLI's `--repo` takes), when the repository is catalogued. */
  repositoryLocation: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  engine: string | null;
  entryCount: number;
  entries: EntryView[];
  /** Summed counts over the entries, e.g. `{ rows: 1200 }`. */
  totals: Record<string, number>;
  gfs: string[];
  policyName: string | null;
}

export interface ResourcePoints {
  resourceId: string;
  resourceName: string;
  resourceKind: string | null;
  /** Newest first. */
  points: RepositoryPointView[];
}

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const asString = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const asNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function readCounts(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, count] of Object.entries(asRecord(value))) if (asNumber(count) !== null) out[key] = count as number;
  return out;
}

function readEntries(value: unknown): EntryView[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const entry = asRecord(raw);
    return { name: asString(entry.name) ?? '(unnamed)', size: asNumber(entry.size), counts: readCounts(entry.counts) };
  });
}

/** The last segment of an Azure resource id (or the id itself). */
export function nameFromResourceId(resourceId: string): string {
  return resourceId.split('/').filter(Boolean).pop() ?? resourceId;
}

/** Sums counts per kind over entries. */
export function sumCounts(entries: readonly EntryView[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const entry of entries) for (const [key, count] of Object.entries(entry.counts)) totals[key] = (totals[key] ?? 0) + count;
  return totals;
}

export interface RepositoryRef {
  name: string;
  location: string;
}

/** Reads one catalog record; `repositories` maps repository ids to what the catalog knows of them. */
export function readRepositoryPoint(record: RestorePointRecordDto, repositories: ReadonlyMap<string, RepositoryRef>): RepositoryPointView {
  const m = record.metadata;
  const entries = readEntries(m.entries);
  const repository = record.repositoryId ? repositories.get(record.repositoryId) : undefined;
  const engine = asRecord(m.engine);
  return {
    id: record.id,
    archive: record.kind === 'archive',
    time: record.pointTime,
    resourceId: record.resourceId,
    resourceName: asString(m.resourceName) ?? nameFromResourceId(record.resourceId),
    resourceKind: asString(m.resourceKind),
    repositoryId: record.repositoryId,
    repositoryName: repository?.name ?? (record.repositoryId ? 'Unknown repository' : '—'),
    repositoryLocation: repository?.location ?? null,
    sizeBytes: record.sizeBytes,
    durationMs: asNumber(m.durationMs),
    engine: asString(engine.name) ?? asString(m.engine),
    entryCount: asNumber(m.entryCount) ?? entries.length,
    entries,
    totals: sumCounts(entries),
    gfs: record.gfs,
    policyName: asString(m.policyName),
  };
}

/** Newest first; ties by id so the order is stable. */
function newestFirst(a: RepositoryPointView, b: RepositoryPointView): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Groups repository and archive points by resource (resource ids compare case-insensitively, as
 * Azure's do), points newest first, resources by name.
 */
export function groupByResource(points: readonly RepositoryPointView[]): ResourcePoints[] {
  const groups = new Map<string, ResourcePoints>();
  for (const point of points) {
    const key = point.resourceId.toLowerCase();
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { resourceId: point.resourceId, resourceName: point.resourceName, resourceKind: point.resourceKind, points: [] }));
    group.points.push(point);
  }
  for (const group of groups.values()) {
    group.points.sort(newestFirst);
    // The newest record names the resource (it may have been renamed in the metadata since).
    group.resourceName = group.points[0]!.resourceName;
    group.resourceKind = group.points[0]!.resourceKind;
  }
  return [...groups.values()].sort((a, b) => a.resourceName.localeCompare(b.resourceName) || a.resourceId.localeCompare(b.resourceId));
}

const GFS_ORDER = ['daily', 'weekly', 'monthly', 'yearly'];
const GFS_LABELS: Record<string, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', yearly: 'Yearly' };

/** GFS flags in calendar order with their labels: ["Weekly", "Monthly"]. */
export function gfsLabels(flags: readonly string[]): string[] {
  return [...flags].sort((a, b) => (GFS_ORDER.indexOf(a) + 1 || 99) - (GFS_ORDER.indexOf(b) + 1 || 99)).map((flag) => GFS_LABELS[flag] ?? flag);
}

/** "PostgreSQL clusters" → the singular label of a resource kind, or the raw kind. */
export function resourceKindLabel(kind: string | null): string {
  if (!kind) return 'Resource';
  const plural = (RESOURCE_KIND_LABELS as Record<string, string>)[kind];
  return plural ? plural.replace(/s$/, '') : kind;
}

/** Quotes a value for a POSIX shell when it needs it. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The CLI command that restores a repository point, with placeholders the user fills in. The
 * console cannot start it itself yet (no restore channel in the contract).
 */
export function restoreCommand(point: Pick<RepositoryPointView, 'id' | 'repositoryLocation' | 'repositoryName'>, target = 'postgres://USER@HOST:5432/postgres'): string {
  const repo = point.repositoryLocation ?? point.repositoryName;
  return `cosmos-backup restore ${shellQuote(point.id)} --repo ${shellQuote(repo)} --target ${shellQuote(target)}`;
}
