import { formatBytes } from '../shared/format-units.ts';
import { CorruptDataError } from './errors.ts';
import { CONFIG_FILE, PREFIX, idFromFileName } from './format/ids.ts';
import type { ManifestEntry } from './format/manifest.ts';

/** Which part of a repository a damaged file is, in the words a user knows it by. */
export type DamageKind = 'config' | 'key' | 'index' | 'restore-point' | 'data';

/** What was being read when the damage showed: the restore point and entry, when known. */
export interface DamageContext {
  restorePointId?: string;
  entry?: Pick<ManifestEntry, 'name' | 'size' | 'metadata'>;
  /** Bytes of the entry that depend on the damaged file, when known. */
  affectedBytes?: number;
  /** Index files that could not be read (a chunk missing from the index is index damage then). */
  damagedIndexFiles?: readonly string[];
}

/**
 * Damage explained for a person: what is damaged (the repository's configuration, a key, the index,
 * restore point X, N MiB of table Z), what is still restorable, and what to do. The code stays
 * `corrupt` and `details` keep the file, the kind and the ids for `--json` and tools.
 */
export class ExplainedDamageError extends CorruptDataError {
  readonly kind: DamageKind;

  constructor(file: string, kind: DamageKind, message: string, details: Record<string, unknown>, cause: unknown) {
    super(file, message, { damage: kind, ...details }, { cause });
    this.name = 'ExplainedDamageError';
    this.kind = kind;
    // The user's words replace the `file: reason` form of CorruptDataError; the file stays in details.
    this.message = message;
  }
}

/** The kind of repository file a name belongs to. */
export function damageKindOf(file: string): DamageKind {
  if (file === CONFIG_FILE) return 'config';
  if (file.startsWith(PREFIX.keys)) return 'key';
  if (file.startsWith(PREFIX.index)) return 'index';
  if (file.startsWith(PREFIX.restorePoints)) return 'restore-point';
  return 'data';
}

const CHECK_HINT = 'Run `cosmos-backup repo check` to list everything affected.';
const ARCHIVE_HINT = 'restore from the archive repository if this one was copied there';

/** Turns a CorruptDataError into one that says what is damaged, what still works and what to do. */
export function explainDamage(error: CorruptDataError, context: DamageContext = {}): ExplainedDamageError {
  if (error instanceof ExplainedDamageError) return error;
  const kind = damageKindOf(error.file);
  const reason = reasonOf(error);
  const point = context.restorePointId ? `restore point ${context.restorePointId.slice(0, 12)}` : 'the restore point';
  const details = { ...(context.restorePointId ? { restorePointId: context.restorePointId } : {}), ...(context.entry ? { entry: context.entry.name } : {}) };
  switch (kind) {
    case 'config':
      return new ExplainedDamageError(
        error.file,
        kind,
        `The repository's configuration file ("config") is damaged (${reason}), so none of its restore points can be opened; the restore points themselves are not affected by this. ` +
          `Put back a copy of the file "config" (Azure Blob versioning or soft delete, or a copy of the folder), or ${ARCHIVE_HINT}.`,
        details,
        error,
      );
    case 'key':
      return new ExplainedDamageError(
        error.file,
        kind,
        `The repository's key file ${shortName(error.file)} is damaged (${reason}) and no other key file opened the repository, so no restore point can be decrypted. ` +
          `Put back a copy of that key file (Azure Blob versioning or soft delete, or a copy of the folder), or ${ARCHIVE_HINT}.`,
        details,
        error,
      );
    case 'index':
      return new ExplainedDamageError(
        error.file,
        kind,
        `The repository's index is damaged (${shortName(error.file)}: ${reason}). The data it listed is found through the packs' own headers; ` +
          `the next backup writes a fresh index. ${CHECK_HINT}`,
        details,
        error,
      );
    case 'restore-point':
      return new ExplainedDamageError(
        error.file,
        kind,
        `Restore point ${(context.restorePointId ?? idFromFileName(error.file) ?? error.file).slice(0, 12)} is damaged (${reason}) and cannot be restored. ` +
          `Other restore points are not affected: restore an earlier or later one, or ${ARCHIVE_HINT}. ${CHECK_HINT}`,
        { ...details, restorePointId: context.restorePointId ?? idFromFileName(error.file) },
        error,
      );
    case 'data': {
      const what = context.entry ? `${formatBytes(context.affectedBytes ?? context.entry.size)} of ${entryLabel(context.entry)}` : 'Data';
      return new ExplainedDamageError(
        error.file,
        kind,
        `${capitalize(what)} in ${point} ${context.entry ? 'is' : 'are'} damaged (pack ${shortName(error.file)}: ${reason}), so this restore cannot finish. ` +
          `What does not use that pack still restores: choose other databases or tables, restore an earlier or later restore point, or ${ARCHIVE_HINT}. ` +
          'Run `cosmos-backup repo check --read-data` to list every affected restore point.',
        { ...details, ...(context.affectedBytes !== undefined ? { affectedBytes: context.affectedBytes } : {}) },
        error,
      );
    }
  }
}

/** A chunk the index does not know: index damage when an index file was unreadable, else lost data. */
export function missingChunkError(chunkId: string, context: DamageContext): ExplainedDamageError {
  const what = context.entry ? `the data of ${entryLabel(context.entry)}` : 'data';
  const point = context.restorePointId ? `restore point ${context.restorePointId.slice(0, 12)}` : 'the restore point';
  const damagedIndex = context.damagedIndexFiles ?? [];
  const details = { chunkId, ...(context.restorePointId ? { restorePointId: context.restorePointId } : {}), ...(context.entry ? { entry: context.entry.name } : {}) };
  if (damagedIndex.length) {
    return new ExplainedDamageError(
      damagedIndex[0]!,
      'index',
      `The repository's index is damaged (${damagedIndex.map(shortName).join(', ')}), and part of ${what} in ${point} was not found in any pack either. ` +
        `Restore an earlier or later restore point, or ${ARCHIVE_HINT}. ${CHECK_HINT}`,
      { ...details, damagedIndexFiles: damagedIndex },
      undefined,
    );
  }
  return new ExplainedDamageError(
    PREFIX.data,
    'data',
    `Part of ${what} in ${point} is missing from the repository (a pack was deleted or lost). Restore an earlier or later restore point, or ${ARCHIVE_HINT}. ${CHECK_HINT}`,
    details,
    undefined,
  );
}

/**
 * An entry in a user's terms, from the metadata keys engines record (`database`, `schema`, `table`,
 * `collection`), else its name.
 */
export function entryLabel(entry: Pick<ManifestEntry, 'name' | 'metadata'>): string {
  const meta = entry.metadata ?? {};
  const text = (key: string) => (typeof meta[key] === 'string' && meta[key] !== '' ? (meta[key] as string) : undefined);
  const database = text('database');
  const table = text('table');
  const collection = text('collection');
  if (table) return `table ${text('schema') ? `${text('schema')}.` : ''}${table}${database ? ` of database ${database}` : ''}`;
  if (collection) return `collection ${database ? `${database}.` : ''}${collection}`;
  if (database) return `${entry.name} (database ${database})`;
  return entry.name;
}

function reasonOf(error: CorruptDataError): string {
  const prefix = `${error.file}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function shortName(file: string): string {
  const id = idFromFileName(file);
  return id ? `${file.slice(0, file.length - id.length)}${id.slice(0, 12)}…` : file;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Re-raises `error` explained when it is repository damage; anything else passes through. */
export function rethrowExplained(error: unknown, context: DamageContext): never {
  if (error instanceof CorruptDataError) throw explainDamage(error, context);
  throw error;
}
