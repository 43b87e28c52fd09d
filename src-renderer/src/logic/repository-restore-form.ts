import type { ChannelInput } from '../../../src-main/shared/contract.ts';
import type { RepositoryPointView } from './restore-points.ts';
import { serverUriProblem } from './server-uri.ts';

/**
 * The "Restore" form of a repository restore point: where to (a PostgreSQL or MongoDB server, or
 * a folder the engine's stock tools read), which databases (MongoDB: and collections) under which
 * names, and the `restores.start` request built from it. Pure functions; the view holds the target
 * password only until it submits.
 */

export type RestoreEngine = 'postgres' | 'mongodb';

export interface RestoreFormValues {
  targetKind: 'database' | 'folder';
  /** postgres://user@host:port/database?sslmode=… or mongodb://user@host:port/?tls=true (no password inside). */
  uri: string;
  password: string;
  /** Database of the restore point → name on the target (blank: the same name). */
  renames: Record<string, string>;
  /** Databases of the restore point to restore (all when none is chosen). */
  selected: string[];
  /** MongoDB: collections to restore, `db.collection` (those of unselected databases are ignored). */
  collections: string[];
  /** MongoDB: `db.collection` of the restore point → collection name on the target (blank: the same), in its database's target. */
  collectionRenames: Record<string, string>;
  /** PostgreSQL: replace non-empty databases; MongoDB: drop collections that hold documents. */
  clean: boolean;
  noOwner: boolean;
  /** MongoDB: write budget, documents per second, as typed (blank: no limit). */
  maxDocumentsPerSecond: string;
  folder: string;
  /** Why: recorded in the restore audit. */
  reason: string;
}

export type RestoreField = 'uri' | 'password' | 'folder' | 'renames' | 'collections' | 'budget' | 'reason';
export type RestoreFieldErrors = Partial<Record<RestoreField, string>>;

const ENTRY_PREFIX: Record<RestoreEngine, RegExp> = {
  postgres: /^postgres\/databases\/([^/]+)\//,
  mongodb: /^mongodb\/databases\/([^/]+)\/([^/]+)\/collection\.json$/,
};

/** The engine of a restore point this form can restore, or null. */
export function restoreEngineOf(point: Pick<RepositoryPointView, 'engine' | 'resourceKind' | 'entries'>): RestoreEngine | null {
  if (point.engine === 'postgres' || point.engine === 'mongodb') return point.engine;
  if (point.resourceKind === 'postgres-cluster') return 'postgres';
  if (point.entries.some((entry) => entry.name.startsWith('mongodb/'))) return 'mongodb';
  if (point.entries.some((entry) => entry.name.startsWith('postgres/'))) return 'postgres';
  return null;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The databases a restore point holds, from its entry names (`<engine>/databases/<db>/…`, percent-encoded). */
export function databasesOf(point: Pick<RepositoryPointView, 'entries' | 'engine' | 'resourceKind'>): string[] {
  const engine = restoreEngineOf(point) ?? 'postgres';
  const names = new Set<string>();
  for (const entry of point.entries) {
    const match = ENTRY_PREFIX[engine].exec(entry.name);
    if (match) names.add(decode(match[1]!));
  }
  return [...names].sort();
}

/** MongoDB: the collections (and views) of one database of the restore point, sorted. */
export function collectionsOf(point: Pick<RepositoryPointView, 'entries'>, database: string): string[] {
  const names: string[] = [];
  for (const entry of point.entries) {
    const match = ENTRY_PREFIX.mongodb.exec(entry.name);
    if (match && decode(match[1]!) === database) names.push(decode(match[2]!));
  }
  return names.sort();
}

export function emptyRestoreForm(point: Pick<RepositoryPointView, 'entries' | 'engine' | 'resourceKind'>): RestoreFormValues {
  const databases = databasesOf(point);
  const collections = restoreEngineOf(point) === 'mongodb' ? databases.flatMap((db) => collectionsOf(point, db).map((name) => `${db}.${name}`)) : [];
  return { targetKind: 'database', uri: '', password: '', renames: Object.fromEntries(databases.map((d) => [d, ''])), selected: databases, collections, collectionRenames: Object.fromEntries(collections.map((namespace) => [namespace, ''])), clean: false, noOwner: false, maxDocumentsPerSecond: '', folder: '', reason: '' };
}

/** Database names each engine accepts: PostgreSQL quotes any name but these; MongoDB forbids more. */
const DB_NAME: Record<RestoreEngine, { pattern: RegExp; rule: string }> = {
  postgres: { pattern: /^[^/\\"\p{Cc}]{1,63}$/u, rule: '1–63 characters, no slashes or quotes' },
  mongodb: { pattern: /^[^/\\. "$\p{Cc}]{1,63}$/u, rule: '1–63 characters, no spaces, slashes, dots, quotes or $' },
};
/** Field-level problems, or an empty object when the form can be submitted. */
export function validateRestoreForm(values: RestoreFormValues, engine: RestoreEngine = 'postgres'): RestoreFieldErrors {
  const errors: RestoreFieldErrors = {};
  if (values.targetKind === 'database') {
    const problem = serverUriProblem(values.uri, [engine]);
    if (problem) errors.uri = problem;
    const targets = values.selected.map((db) => values.renames[db]?.trim() || db);
    const bad = targets.find((name) => !DB_NAME[engine].pattern.test(name));
    if (bad !== undefined) errors.renames = `"${bad}" is not a valid database name (${DB_NAME[engine].rule}).`;
    else if (new Set(targets).size !== targets.length) errors.renames = 'Two databases would be restored under the same name.';
    if (engine === 'mongodb') {
      const empty = values.selected.find((db) => !values.collections.some((namespace) => namespace.startsWith(`${db}.`)));
      if (empty !== undefined) errors.collections = `Choose at least one collection of ${empty}, or leave the database out.`;
      else errors.collections = collectionRenameProblem(values);
      if (!errors.collections) delete errors.collections;
      const budget = values.maxDocumentsPerSecond.trim();
      if (budget && !(/^\d+$/.test(budget) && Number(budget) >= 1 && Number(budget) <= 10_000_000)) errors.budget = 'Enter a whole number of documents per second from 1 to 10,000,000, or leave it empty for no limit.';
    }
  } else if (!values.folder.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(values.folder.trim())) {
    errors.folder = 'Enter an absolute folder path on the machine that runs Cosmos Backup.';
  }
  if (!values.reason.trim()) errors.reason = 'Say why you restore: it is recorded in the restore audit with who and when.';
  return errors;
}

/** MongoDB collection names: no `$` or NUL, not a system collection, at most 120 bytes (as MongoDB 4.2 allows). */
const COLLECTION_NAME = /^(?!system\.)[^$\0]{1,120}$/u;

/** The chosen MongoDB collections with where each goes: `db.collection` of the restore point → target `db.collection`. */
function collectionTargets(values: RestoreFormValues): [string, string][] {
  return values.collections
    .filter((namespace) => values.selected.some((db) => namespace.startsWith(`${db}.`)))
    .map((namespace) => {
      const db = values.selected.find((name) => namespace.startsWith(`${name}.`))!;
      const collection = namespace.slice(db.length + 1);
      const renamed = values.collectionRenames[namespace]?.trim();
      return [namespace, `${values.renames[db]?.trim() || db}.${renamed || collection}`];
    });
}

/** A bad new collection name, or two collections going to the same place; undefined when there is none. */
function collectionRenameProblem(values: RestoreFormValues): string | undefined {
  const bad = collectionTargets(values).map(([namespace]) => values.collectionRenames[namespace]?.trim() ?? '').find((name) => name && (!COLLECTION_NAME.test(name) || new TextEncoder().encode(name).length > 120));
  if (bad !== undefined) return `"${bad}" is not a valid collection name (1–120 bytes, no $, not system.*).`;
  const targets = collectionTargets(values).map(([, target]) => target);
  const twice = targets.find((target, index) => targets.indexOf(target) !== index);
  return twice === undefined ? undefined : `Two collections would be restored as ${twice}.`;
}

/** MongoDB: whole databases where every collection is chosen, single collections elsewhere. */
function mongoSelection(point: Pick<RepositoryPointView, 'entries'>, values: RestoreFormValues, all: string[]): { databases: string[]; collections: string[] } {
  const whole: string[] = [];
  const single: string[] = [];
  for (const db of values.selected) {
    const available = collectionsOf(point, db).map((name) => `${db}.${name}`);
    const chosen = available.filter((namespace) => values.collections.includes(namespace));
    if (chosen.length === available.length) whole.push(db);
    else single.push(...chosen);
  }
  if (!single.length && whole.length === all.length) return { databases: [], collections: [] };
  return { databases: whole, collections: single };
}

/** The `restores.start` request of a valid form. */
export function buildRestoreInput(point: Pick<RepositoryPointView, 'id' | 'repositoryId' | 'entries' | 'engine' | 'resourceKind'>, values: RestoreFormValues): ChannelInput<'restores.start'> {
  if (!point.repositoryId) throw new Error('This restore point is not in a catalogued repository.');
  const engine = restoreEngineOf(point) ?? 'postgres';
  const all = databasesOf(point);
  const databases = values.selected.length === all.length ? [] : values.selected;
  if (values.targetKind === 'folder') {
    return { restorePointId: point.id, repositoryId: point.repositoryId, databases, reason: values.reason.trim(), target: { kind: 'folder', path: values.folder.trim() } };
  }
  const databaseMap = Object.fromEntries(values.selected.filter((db) => values.renames[db]?.trim() && values.renames[db]!.trim() !== db).map((db) => [db, values.renames[db]!.trim()]));
  const password = values.password ? { password: values.password } : {};
  if (engine === 'mongodb') {
    const selection = mongoSelection(point, values, all);
    return {
      restorePointId: point.id,
      repositoryId: point.repositoryId,
      databases: selection.databases,
      reason: values.reason.trim(),
      target: {
        kind: 'database',
        uri: values.uri.trim(),
        ...password,
        databaseMap,
        clean: values.clean,
        collections: selection.collections,
        ...(values.maxDocumentsPerSecond.trim() ? { maxDocumentsPerSecond: Number(values.maxDocumentsPerSecond.trim()) } : {}),
        collectionMap: Object.fromEntries(collectionTargets(values).filter(([namespace]) => values.collectionRenames[namespace]?.trim() && values.collectionRenames[namespace]!.trim() !== namespace.slice(namespace.indexOf('.') + 1))),
      },
    };
  }
  return {
    restorePointId: point.id,
    repositoryId: point.repositoryId,
    databases,
    reason: values.reason.trim(),
    target: { kind: 'database', uri: values.uri.trim(), ...password, databaseMap, clean: values.clean, noOwner: values.noOwner },
  };
}
