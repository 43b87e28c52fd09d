import { describe, expect, it } from 'vitest';
import { buildRestoreInput, databasesOf, emptyRestoreForm, validateRestoreForm } from '../../../src-renderer/src/logic/repository-restore-form.ts';
import type { RepositoryPointView } from '../../../src-renderer/src/logic/restore-points.ts';

const point: Pick<RepositoryPointView, 'id' | 'repositoryId' | 'entries'> = {
  id: 'a'.repeat(64),
  repositoryId: 'repo-1',
  entries: [
    { name: 'postgres/globals.sql', size: 10, counts: {} },
    { name: 'postgres/databases/shop/dump.pgdump', size: 10, counts: { rows: 5 } },
    { name: 'postgres/databases/shop/info.json', size: 1, counts: {} },
    { name: 'postgres/databases/crm/dump.pgdump', size: 10, counts: { rows: 7 } },
  ],
};

describe('repository restore form', () => {
  it('finds the databases of a PostgreSQL restore point', () => {
    expect(databasesOf(point)).toEqual(['crm', 'shop']);
  });

  it('asks for a PostgreSQL URI without a password inside', () => {
    const values = emptyRestoreForm(point);
    expect(validateRestoreForm(values).uri).toMatch(/PostgreSQL URI/);
    values.uri = 'postgres://admin:hunter2@db.example.com:5432/postgres';
    expect(validateRestoreForm(values).uri).toMatch(/Leave the password out/);
    values.uri = 'postgres://admin@db.example.com:5432/postgres?sslmode=require';
    expect(validateRestoreForm(values)).toEqual({});
  });

  it('refuses invalid or colliding target names', () => {
    const values = { ...emptyRestoreForm(point), uri: 'postgres://u@h/postgres' };
    values.renames = { crm: 'shop', shop: '' };
    expect(validateRestoreForm(values).renames).toMatch(/same name/);
    values.renames = { crm: 'has space', shop: '' };
    expect(validateRestoreForm(values).renames).toMatch(/not a valid database name/);
  });

  it('builds the request: renames only where they change, all databases as an empty list, password only when given', () => {
    const values = { ...emptyRestoreForm(point), uri: ' postgres://u@h:5432/postgres ', password: 'pw', clean: true };
    values.renames = { crm: 'crm_copy', shop: 'shop' };
    expect(buildRestoreInput(point, values)).toEqual({
      restorePointId: point.id,
      repositoryId: 'repo-1',
      databases: [],
      target: { kind: 'database', uri: 'postgres://u@h:5432/postgres', password: 'pw', databaseMap: { crm: 'crm_copy' }, clean: true, noOwner: false },
    });
    values.selected = ['shop'];
    values.password = '';
    const input = buildRestoreInput(point, values);
    expect(input.databases).toEqual(['shop']);
    expect(input.target).not.toHaveProperty('password');
  });

  it('restores to an absolute folder', () => {
    const values = { ...emptyRestoreForm(point), targetKind: 'folder' as const, folder: 'relative' };
    expect(validateRestoreForm(values).folder).toMatch(/absolute/);
    values.folder = '/srv/exports';
    expect(validateRestoreForm(values)).toEqual({});
    expect(buildRestoreInput(point, values).target).toEqual({ kind: 'folder', path: '/srv/exports' });
  });
});
