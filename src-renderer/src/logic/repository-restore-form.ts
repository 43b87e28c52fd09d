import type { ChannelInput } from '../../../src-main/shared/contract.ts';
import type { RepositoryPointView } from './restore-points.ts';

/**
 * The "Restore" form of a repository restore point: where to (a PostgreSQL server, or a folder of
 * stock pg_dump directory dumps), which databases under which names, and the `restores.start`
 * request built from it. Pure functions; the view holds the target password only until it submits.
 */

export interface RestoreFormValues {
  targetKind: 'database' | 'folder';
  /** postgres://user@host:port/database?sslmode=… (no password inside). */
  uri: string;
  password: string;
  /** Database of the restore point → name on the target (blank: the same name). */
  renames: Record<string, string>;
  /** Databases of the restore point to restore (all when none is chosen). */
  selected: string[];
  clean: boolean;
  noOwner: boolean;
  folder: string;
}

export type RestoreField = 'uri' | 'password' | 'folder' | 'renames';
export type RestoreFieldErrors = Partial<Record<RestoreField, string>>;

/** The databases a PostgreSQL restore point holds, from its entry names (`postgres/databases/<db>/…`). */
export function databasesOf(point: Pick<RepositoryPointView, 'entries'>): string[] {
  const names = new Set<string>();
  for (const entry of point.entries) {
    const match = /^postgres\/databases\/([^/]+)\//.exec(entry.name);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

export function emptyRestoreForm(point: Pick<RepositoryPointView, 'entries'>): RestoreFormValues {
  const databases = databasesOf(point);
  return { targetKind: 'database', uri: '', password: '', renames: Object.fromEntries(databases.map((d) => [d, ''])), selected: databases, clean: false, noOwner: false, folder: '' };
}

const DB_NAME = /^[^\s/\\"]{1,63}$/;

/** Field-level problems, or an empty object when the form can be submitted. */
export function validateRestoreForm(values: RestoreFormValues): RestoreFieldErrors {
  const errors: RestoreFieldErrors = {};
  if (values.targetKind === 'database') {
    const url = URL.canParse(values.uri.trim()) ? new URL(values.uri.trim()) : null;
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname) {
      errors.uri = 'Enter a PostgreSQL URI such as postgres://user@server.example.com:5432/postgres?sslmode=require.';
    } else if (url.password) {
      errors.uri = 'Leave the password out of the URI; type it in the password field (it is used for this restore only).';
    }
    const targets = values.selected.map((db) => values.renames[db]?.trim() || db);
    const bad = targets.find((name) => !DB_NAME.test(name));
    if (bad !== undefined) errors.renames = `"${bad}" is not a valid database name (1–63 characters, no spaces, slashes or quotes).`;
    else if (new Set(targets).size !== targets.length) errors.renames = 'Two databases would be restored under the same name.';
  } else if (!values.folder.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(values.folder.trim())) {
    errors.folder = 'Enter an absolute folder path on the machine that runs Cosmos Backup.';
  }
  return errors;
}

/** The `restores.start` request of a valid form. */
export function buildRestoreInput(point: Pick<RepositoryPointView, 'id' | 'repositoryId' | 'entries'>, values: RestoreFormValues): ChannelInput<'restores.start'> {
  if (!point.repositoryId) throw new Error('This restore point is not in a catalogued repository.');
  const all = databasesOf(point);
  const databases = values.selected.length === all.length ? [] : values.selected;
  if (values.targetKind === 'folder') {
    return { restorePointId: point.id, repositoryId: point.repositoryId, databases, target: { kind: 'folder', path: values.folder.trim() } };
  }
  const databaseMap = Object.fromEntries(values.selected.filter((db) => values.renames[db]?.trim() && values.renames[db]!.trim() !== db).map((db) => [db, values.renames[db]!.trim()]));
  return {
    restorePointId: point.id,
    repositoryId: point.repositoryId,
    databases,
    target: { kind: 'database', uri: values.uri.trim(), ...(values.password ? { password: values.password } : {}), databaseMap, clean: values.clean, noOwner: values.noOwner },
  };
}
