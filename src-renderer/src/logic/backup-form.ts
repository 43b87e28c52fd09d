import type { ChannelInput } from '../../../src-main/shared/contract.ts';

import { serverUriProblem } from './server-uri.ts';

/**
 * The "Back up now" form: which PostgreSQL server or MongoDB deployment, with which login, into
 * which repository. Pure functions; the view holds the server password only until it submits.
 */

export interface BackupFormValues {
  /** postgres://user@host:port/database?sslmode=… or mongodb://user@host:port/?tls=true (no password inside). */
  uri: string;
  password: string;
  rememberPassword: boolean;
  /** Resource name recorded with the restore point (blank: the host). */
  name: string;
  /** Databases to back up, separated by commas or spaces (blank: every user database). */
  databases: string;
}

export type BackupField = 'uri' | 'name' | 'databases';
export type BackupFieldErrors = Partial<Record<BackupField, string>>;

export function emptyBackupForm(): BackupFormValues {
  return { uri: '', password: '', rememberPassword: false, name: '', databases: '' };
}

const DB_NAME = /^[^\s/\\",]{1,63}$/;

/** The databases typed into the form, in order, without repeats. */
export function databaseList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Field-level problems, or an empty object when the form can be submitted. */
export function validateBackupForm(values: BackupFormValues): BackupFieldErrors {
  const errors: BackupFieldErrors = {};
  const uriProblem = serverUriProblem(values.uri);
  if (uriProblem) errors.uri = uriProblem;
  if (values.name.trim().length > 200) errors.name = 'Use at most 200 characters.';
  const bad = databaseList(values.databases).find((name) => !DB_NAME.test(name));
  if (bad !== undefined) errors.databases = `"${bad}" is not a valid database name (1–63 characters, no slashes or quotes).`;
  return errors;
}

/** The `backups.start` request of a valid form. */
export function buildBackupInput(repositoryId: string, values: BackupFormValues): ChannelInput<'backups.start'> {
  const name = values.name.trim();
  return {
    repositoryId,
    source: { kind: 'server', uri: values.uri.trim(), ...(values.password ? { password: values.password } : {}) },
    ...(name ? { name } : {}),
    databases: databaseList(values.databases),
    rememberPassword: values.rememberPassword,
  };
}
