import { describe, expect, it } from 'vitest';
import { buildRestoreInput, collectionsOf, databasesOf, emptyRestoreForm, restoreEngineOf, validateRestoreForm } from '../../../src-renderer/src/logic/repository-restore-form.ts';
import type { RepositoryPointView } from '../../../src-renderer/src/logic/restore-points.ts';

type PointFacts = Pick<RepositoryPointView, 'id' | 'repositoryId' | 'entries' | 'engine' | 'resourceKind'>;

const point: PointFacts = {
  id: 'a'.repeat(64),
  repositoryId: 'repo-1',
  engine: 'postgres',
  resourceKind: 'postgres-cluster',
  entries: [
    { name: 'postgres/globals.sql', size: 10, counts: {} },
    { name: 'postgres/databases/shop/dump.pgdump', size: 10, counts: { rows: 5 } },
    { name: 'postgres/databases/shop/info.json', size: 1, counts: {} },
    { name: 'postgres/databases/crm/dump.pgdump', size: 10, counts: { rows: 7 } },
    { name: 'postgres/databases/second%20db/dump.pgdump', size: 10, counts: { rows: 7 } },
  ],
};

const mongoPoint: PointFacts = {
  id: 'b'.repeat(64),
  repositoryId: 'repo-2',
  engine: 'mongodb',
  resourceKind: 'cosmosdb-account',
  entries: [
    { name: 'mongodb/databases/shop/orders/documents.bson', size: 10, counts: { documents: 5 } },
    { name: 'mongodb/databases/shop/orders/collection.json', size: 1, counts: {} },
    { name: 'mongodb/databases/shop/we%20ird%2Fname/documents.bson', size: 10, counts: { documents: 2 } },
    { name: 'mongodb/databases/shop/we%20ird%2Fname/collection.json', size: 1, counts: {} },
    { name: 'mongodb/databases/crm/people/documents.bson', size: 10, counts: { documents: 7 } },
    { name: 'mongodb/databases/crm/people/collection.json', size: 1, counts: {} },
  ],
};

describe('repository restore form', () => {
  it('finds the databases of a PostgreSQL restore point', () => {
    expect(databasesOf(point)).toEqual(['crm', 'second db', 'shop']);
  });

  it('asks for a PostgreSQL URI without a password inside, and for a reason', () => {
    const values = emptyRestoreForm(point);
    expect(validateRestoreForm(values).uri).toMatch(/PostgreSQL URI/);
    expect(validateRestoreForm(values).reason).toMatch(/Say why you restore/);
    values.reason = '  ';
    expect(validateRestoreForm(values).reason).toMatch(/Say why you restore/);
    values.reason = 'Ticket 815';
    values.uri = 'postgres://admin:hunter2@db.example.com:5432/postgres';
    expect(validateRestoreForm(values).uri).toMatch(/Leave the password out/);
    values.uri = 'postgres://admin@db.example.com:5432/postgres?sslmode=require';
    expect(validateRestoreForm(values)).toEqual({});
  });

  it('refuses invalid or colliding target names', () => {
    const values = { ...emptyRestoreForm(point), uri: 'postgres://u@h/postgres' };
    values.renames = { crm: 'shop', shop: '', 'second db': 'other' };
    expect(validateRestoreForm(values).renames).toMatch(/same name/);
    values.renames = { crm: 'has/slash', shop: '', 'second db': 'other' };
    expect(validateRestoreForm(values).renames).toMatch(/not a valid database name/);
  });

  it('builds the request: renames only where they change, all databases as an empty list, password only when given', () => {
    const values = { ...emptyRestoreForm(point), uri: ' postgres://u@h:5432/postgres ', password: 'pw', clean: true, reason: ' Ticket 815 ' };
    values.renames = { crm: 'crm_copy', shop: 'shop', 'second db': '' };
    expect(buildRestoreInput(point, values)).toEqual({
      restorePointId: point.id,
      repositoryId: 'repo-1',
      databases: [],
      reason: 'Ticket 815',
      target: { kind: 'database', uri: 'postgres://u@h:5432/postgres', password: 'pw', databaseMap: { crm: 'crm_copy' }, clean: true, noOwner: false },
    });
    values.selected = ['shop'];
    values.password = '';
    const input = buildRestoreInput(point, values);
    expect(input.databases).toEqual(['shop']);
    expect(input.target).not.toHaveProperty('password');
  });

  it('finds the databases and collections of a MongoDB restore point, names decoded', () => {
    expect(restoreEngineOf(mongoPoint)).toBe('mongodb');
    expect(databasesOf(mongoPoint)).toEqual(['crm', 'shop']);
    expect(collectionsOf(mongoPoint, 'shop')).toEqual(['orders', 'we ird/name']);
    expect(emptyRestoreForm(mongoPoint).collections).toEqual(['crm.people', 'shop.orders', 'shop.we ird/name']);
  });

  it('asks a MongoDB restore for a connection string without a password, and at least one collection per database', () => {
    const values = { ...emptyRestoreForm(mongoPoint), reason: 'Ticket 815' };
    expect(validateRestoreForm(values, 'mongodb').uri).toMatch(/MongoDB connection string/);
    values.uri = 'mongodb://admin:secret@db.example.com:27017/?tls=true';
    expect(validateRestoreForm(values, 'mongodb').uri).toMatch(/Leave the password out/);
    values.uri = 'mongodb+srv://admin@cluster.example.com/?tls=true';
    expect(validateRestoreForm(values, 'mongodb')).toEqual({});
    values.collections = ['shop.orders'];
    expect(validateRestoreForm(values, 'mongodb').collections).toMatch(/at least one collection of crm/);
  });

  it('builds a MongoDB request: whole databases where every collection is chosen, single collections elsewhere, drop as clean', () => {
    const values = { ...emptyRestoreForm(mongoPoint), uri: 'mongodb://u@h:27017/', password: 'pw', clean: true, reason: 'Ticket 815' };
    values.renames = { crm: 'crm_copy', shop: '' };
    expect(buildRestoreInput(mongoPoint, values)).toEqual({
      restorePointId: mongoPoint.id,
      repositoryId: 'repo-2',
      databases: [],
      reason: 'Ticket 815',
      target: { kind: 'database', uri: 'mongodb://u@h:27017/', password: 'pw', databaseMap: { crm: 'crm_copy' }, clean: true, collections: [], collectionMap: {} },
    });
    values.collections = ['crm.people', 'shop.we ird/name'];
    const input = buildRestoreInput(mongoPoint, values);
    expect(input.databases).toEqual(['crm']);
    expect(input.target).toMatchObject({ collections: ['shop.we ird/name'] });
  });

  it('renames MongoDB collections into their database\'s target, and refuses a bad name or two collections in one place', () => {
    const values = { ...emptyRestoreForm(mongoPoint), uri: 'mongodb://u@h:27017/', reason: 'Ticket 815' };
    values.renames = { crm: 'crm_copy', shop: '' };
    values.collectionRenames['crm.people'] = ' contacts ';
    values.collectionRenames['shop.orders'] = 'orders';
    expect(validateRestoreForm(values, 'mongodb')).toEqual({});
    // A name left as it was is no rename; a renamed collection goes into its database's new name.
    expect(buildRestoreInput(mongoPoint, values).target).toMatchObject({ databaseMap: { crm: 'crm_copy' }, collectionMap: { 'crm.people': 'crm_copy.contacts' } });
    values.collectionRenames['shop.orders'] = 'we ird/name';
    expect(validateRestoreForm(values, 'mongodb').collections).toBe('Two collections would be restored as shop.we ird/name.');
    values.collectionRenames['shop.orders'] = 'system.views';
    expect(validateRestoreForm(values, 'mongodb').collections).toMatch(/"system\.views" is not a valid collection name/);
    values.collectionRenames['shop.orders'] = 'price$';
    expect(validateRestoreForm(values, 'mongodb').collections).toMatch(/not a valid collection name/);
    // A collection left out is not checked (nor renamed), nor one of a database left out.
    values.collections = ['crm.people', 'shop.we ird/name'];
    expect(validateRestoreForm(values, 'mongodb')).toEqual({});
    values.collections = ['crm.people', 'shop.orders'];
    values.selected = ['crm'];
    expect(validateRestoreForm(values, 'mongodb')).toEqual({});
    values.selected = ['crm', 'shop'];
    values.collections = ['crm.people', 'shop.we ird/name'];
    expect(buildRestoreInput(mongoPoint, values).target).toMatchObject({ collectionMap: { 'crm.people': 'crm_copy.contacts' } });
  });

  it('holds a MongoDB restore to a write budget when one is given: a whole number of documents per second', () => {
    const values = { ...emptyRestoreForm(mongoPoint), uri: 'mongodb://u@h:27017/', reason: 'Ticket 815' };
    expect(buildRestoreInput(mongoPoint, values).target).not.toHaveProperty('maxDocumentsPerSecond');
    for (const bad of ['abc', '0', '1.5', '-3', '10000001']) {
      values.maxDocumentsPerSecond = bad;
      expect(validateRestoreForm(values, 'mongodb').budget, bad).toMatch(/whole number of documents per second/);
    }
    values.maxDocumentsPerSecond = ' 2500 ';
    expect(validateRestoreForm(values, 'mongodb')).toEqual({});
    expect(buildRestoreInput(mongoPoint, values).target).toMatchObject({ maxDocumentsPerSecond: 2500 });
  });

  it('restores to an absolute folder', () => {
    const values = { ...emptyRestoreForm(point), targetKind: 'folder' as const, folder: 'relative', reason: 'Ticket 815' };
    expect(validateRestoreForm(values).folder).toMatch(/absolute/);
    values.folder = '/srv/exports';
    expect(validateRestoreForm(values)).toEqual({});
    expect(buildRestoreInput(point, values).target).toEqual({ kind: 'folder', path: '/srv/exports' });
  });
});
