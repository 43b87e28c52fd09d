import { describe, expect, it } from 'vitest';
import { buildBackupInput, databaseList, emptyBackupForm, validateBackupForm } from '../../../src-renderer/src/logic/backup-form.ts';
import { loginNameProblem } from '../../../src-renderer/src/logic/login-name.ts';

describe('the Back up now form', () => {
  it('names the field at fault', () => {
    expect(validateBackupForm({ ...emptyBackupForm(), uri: 'mysql://db' }).uri).toMatch(/Enter a PostgreSQL URI .*, or a MongoDB connection string/);
    expect(validateBackupForm({ ...emptyBackupForm(), uri: 'postgres://u:secret@db/x' }).uri).toMatch(/Leave the password out of the URI/);
    expect(validateBackupForm({ ...emptyBackupForm(), uri: 'postgres://u@db/x', databases: 'crm, "bad' }).databases).toBe('""bad" is not a valid database name (1–63 characters, no slashes or quotes).');
    expect(validateBackupForm({ ...emptyBackupForm(), uri: 'postgres://u@db:6432/x?sslmode=require' })).toEqual({});
    expect(validateBackupForm({ ...emptyBackupForm(), uri: 'mongodb://u@h1:27017,h2:27017/?tls=true' })).toEqual({});
    expect(validateBackupForm({ ...emptyBackupForm(), uri: 'mongodb+srv://u:pw@cluster.example.com/' }).uri).toMatch(/Leave the password out of the connection string/);
  });

  it('builds the backups.start request: the password only when given, databases without repeats', () => {
    expect(databaseList('crm, sales  crm')).toEqual(['crm', 'sales']);
    expect(buildBackupInput('repo-1', { uri: ' postgres://u@db/x ', password: '', rememberPassword: false, name: ' ', databases: '' })).toEqual({ repositoryId: 'repo-1', source: { kind: 'server', uri: 'postgres://u@db/x' }, databases: [], rememberPassword: false });
    expect(buildBackupInput('repo-1', { uri: 'postgres://u@db/x', password: 'pw', rememberPassword: true, name: 'Sales', databases: 'crm' })).toEqual({
      repositoryId: 'repo-1',
      source: { kind: 'server', uri: 'postgres://u@db/x', password: 'pw' },
      name: 'Sales',
      databases: ['crm'],
      rememberPassword: true,
    });
  });

  it('accepts login names that fit in a URI', () => {
    expect(loginNameProblem('citus')).toBeNull();
    expect(loginNameProblem('a b')).toMatch(/no spaces/);
    expect(loginNameProblem('user@host')).toMatch(/@/);
  });
});
