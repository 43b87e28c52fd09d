import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../src-main/worker/job-runner.ts';
import { jobSpecSchema } from '../../../src-main/worker/protocol.ts';
import type { BackupOutcome } from '../../../src-main/worker/protocol.ts';
import { dataChecksums, normalizedSchema, startPostgres } from '../../helpers/postgres.ts';
import type { TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { createSampleDatabase } from './sample-database.ts';
import { backupJob, connectionOf, createRepository, recordingEvents, restoreJob } from './support.ts';

describe('PostgreSQL backup and restore round trip (in-process job runner)', () => {
  let server: TestPostgres;
  const temp = makeTempDir('cosmos-pg-rt-');
  const repoPath = `${temp.path}/repo`;
  let backup: BackupOutcome;

  beforeAll(async () => {
    server = await startPostgres();
    await createSampleDatabase(server, 'shop');
    await server.query('CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 200) g;', 'postgres');
    await server.query('CREATE DATABASE "second db"');
    await server.query(`CREATE TABLE items (id int, label text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 77) g;`, 'second db');
    await createRepository(repoPath);
    const events = recordingEvents();
    backup = (await runJob(jobSpecSchema.parse(backupJob(server, repoPath, [])), { databasePassword: server.password, repositoryPassword: 'repo-Pa55word-never-stored' }, events, new AbortController().signal)) as BackupOutcome;
  });
  afterAll(async () => {
    await server?.stop();
    temp.remove();
  });

  it('backs up every user database (not postgres) with row counts', () => {
    expect(backup.databases.map((database) => database.name).sort()).toEqual(['second db', 'shop']);
    const shop = backup.databases.find((database) => database.name === 'shop')!;
    // kitchen_sink, two partitions, customers, visits, audit, the Unicode table (a materialized
    // view is refreshed on restore, not stored as rows)
    expect(shop.rows).toBe(300 + 500 + 51 + 120 + 1 + 3);
    expect(shop.tables).toBe(7);
    expect(backup.databases.find((database) => database.name === 'second db')!.rows).toBe(77);
    expect(backup.notes).toContain('globals captured (roles without passwords)');
  });

  it('restores a database under a new name with the same schema and data', async () => {
    const events = recordingEvents();
    const job = restoreJob(server, repoPath, backup.restorePointId, { kind: 'database', connection: connectionOf(server), databaseMap: { shop: 'shop_copy' } }, { databases: ['shop'] });
    await runJob(jobSpecSchema.parse(job), { databasePassword: server.password, repositoryPassword: 'repo-Pa55word-never-stored' }, events, new AbortController().signal);
    expect(events.touched).toEqual(['shop_copy']);
    // Indexes and constraints of the tables loaded first were built while the last table loaded,
    // and the schema below still matches.
    expect(events.lines.some((line) => /post-data item\(s\) built meanwhile/.test(line)), events.lines.join('\n')).toBe(true);
    expect(await normalizedSchema(server, 'shop_copy')).toEqual(await normalizedSchema(server, 'shop'));
    expect(await dataChecksums(server, 'shop_copy')).toEqual(await dataChecksums(server, 'shop'));
    const [lo] = await server.query<{ data: string }>(`SELECT convert_from(lo_get(oid), 'UTF8') AS data FROM pg_largeobject_metadata`, 'shop_copy');
    expect(lo?.data).toBe('large object bytes');
  });

  it('restores the same schema and data with one stream and with four (tables and post-data share them)', async () => {
    for (const parallelism of [1, 4]) {
      const events = recordingEvents();
      const target = `shop_${parallelism}`;
      const job = restoreJob(server, repoPath, backup.restorePointId, { kind: 'database', connection: connectionOf(server), databaseMap: { shop: target } }, { databases: ['shop'], options: { parallelism } });
      await runJob(jobSpecSchema.parse(job), { databasePassword: server.password, repositoryPassword: 'repo-Pa55word-never-stored' }, events, new AbortController().signal);
      expect(events.lines.some((line) => line.includes(`${parallelism} at a time; post-data in`)), events.lines.join('\n')).toBe(true);
      expect(await normalizedSchema(server, target)).toEqual(await normalizedSchema(server, 'shop'));
      expect(await dataChecksums(server, target)).toEqual(await dataChecksums(server, 'shop'));
    }
  });
});
