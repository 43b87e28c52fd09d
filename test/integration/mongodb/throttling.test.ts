import { Int32, ObjectId } from 'bson';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongodbEngine } from '../../../src-main/engines/mongodb/mongodb-engine.ts';
import { parseMongodbUri } from '../../../src-main/engines/mongodb/connection.ts';
import { runJob } from '../../../src-main/worker/job-runner.ts';
import { jobSpecSchema, type BackupOutcome, type JobSpec } from '../../../src-main/worker/protocol.ts';
import { startMongoFaultProxy, type MongoFaultProxy } from '../../helpers/mongo-fault-proxy.ts';
import { startMongo, type TestMongo } from '../../helpers/mongodb.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { REPO_PASSWORD, createRepository, recordingEvents } from '../postgres/support.ts';
import { canonicalDocuments, mixedDocument } from './sample-data.ts';

const DOCUMENTS = 100_000;

/**
 * The engine against a wire proxy that throttles like Cosmos DB for MongoDB RU (16500 with and
 * without RetryAfterMs), times out inserts after doing them (50), fails parts of bulk writes, and
 * reports wire version 6 (API 3.6).
 */
describe('MongoDB engine under Cosmos RU throttling (fault proxy in front of FerretDB)', () => {
  let server: TestMongo;
  let proxy: MongoFaultProxy;
  let client: MongoClient;
  const temp = makeTempDir('cosmos-mongo-throttle-');
  const repo = `${temp.path}/repo`;
  let backup: BackupOutcome;
  let fleetPointId = '';
  const secrets = () => ({ databasePassword: server.password, repositoryPassword: REPO_PASSWORD });
  const throughProxy = () => parseMongodbUri(`mongodb://${encodeURIComponent(server.user)}@127.0.0.1:${proxy.port}/`).connection;

  beforeAll(async () => {
    server = await startMongo();
    client = await server.client();
    const collection = client.db('telemetry').collection('readings');
    for (let start = 0; start < DOCUMENTS; start += 10_000) {
      await collection.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ _id: new ObjectId((start + i + 1).toString(16).padStart(24, '0')), sensor: `s-${(start + i) % 97}`, value: new Int32(start + i), at: new Date(1_700_000_000_000 + (start + i) * 1000) })));
    }
    await client.db('telemetry').collection('mixed').insertMany(Array.from({ length: 2000 }, (_, i) => mixedDocument(i + 1)));
    await createRepository(repo);
    proxy = await startMongoFaultProxy(server.port, { wireVersion: 6 });
  });
  afterAll(async () => {
    await client?.close();
    await proxy?.stop();
    await server?.stop();
    temp.remove();
  });

  it('connects to a server that reports wire version 6 (Cosmos RU API 3.6), and a lower one is refused by the driver', async () => {
    const context = { signal: new AbortController().signal, log: () => undefined, progress: () => undefined };
    const versions = await new MongodbEngine().versions(throughProxy(), { password: server.password }, context);
    expect(versions.wireVersion).toBe('6');
    expect(versions.driver).toBe('mongodb 6.9.0');
    expect(proxy.counts.helloRewritten).toBeGreaterThan(0);
    proxy.setPlan({ wireVersion: 5 });
    const uri = parseMongodbUri(`mongodb://${encodeURIComponent(server.user)}@127.0.0.1:${proxy.port}/?serverSelectionTimeoutMS=2000`).connection;
    await expect(new MongodbEngine().versions(uri, { password: server.password }, context)).rejects.toThrow(/wire version 5.*requires at least 6|cannot be reached/);
  });

  it('backs up 102,000 documents while reads are throttled: resumed after the last _id, never restarted', async () => {
    proxy.setPlan({ wireVersion: 6, seed: 7, throttle: 0.05, commands: ['find', 'getMore', 'listIndexes', 'listCollections', 'listDatabases', 'dbStats'] });
    const events = recordingEvents();
    const job: JobSpec = {
      kind: 'backup',
      jobId: 'throttled-backup',
      engine: 'mongodb',
      repository: { location: repo },
      source: throughProxy(),
      resource: { id: 'mongodb://throttled', name: 'throttled account', kind: 'mongodb' },
    };
    backup = (await runJob(jobSpecSchema.parse(job), secrets(), events, new AbortController().signal)) as BackupOutcome;
    expect(proxy.counts.throttled).toBeGreaterThan(3);
    expect(proxy.counts.throttledWithRetryAfter).toBeGreaterThan(0);
    expect(proxy.counts.throttled - proxy.counts.throttledWithRetryAfter).toBeGreaterThan(0);
    expect(backup.databases).toEqual([{ name: 'telemetry', bytes: expect.any(Number), tables: 2, rows: DOCUMENTS + 2000 }]);
    expect(events.lines.some((line) => /The server throttled \d+ request\(s\) and timed out 0; [\d.]+ s were spent waiting/.test(line)), events.lines.join('\n')).toBe(true);
  });

  it('restores them exactly once while inserts are throttled, partly refused and timed out after landing', async () => {
    const before = { ...proxy.counts };
    proxy.setPlan({ wireVersion: 6, seed: 11, throttle: 0.1, partialBulk: 0.2, timeLimit: 0.05, commands: ['insert', 'find', 'create', 'createIndexes', 'listCollections', 'count', 'aggregate'] });
    proxy.counts.insertWriteConcerns.clear();
    proxy.counts.insertOrdering.clear();
    const events = recordingEvents();
    const job: JobSpec = {
      kind: 'restore',
      jobId: 'throttled-restore',
      engine: 'mongodb',
      repository: { location: repo },
      restorePointId: backup.restorePointId,
      // The connection string's write concern travels with every insert.
      target: { kind: 'database', connection: parseMongodbUri(`mongodb://${encodeURIComponent(server.user)}@127.0.0.1:${proxy.port}/?w=1&wtimeoutMS=7000`).connection, databaseMap: { telemetry: 'telemetry_copy' } },
    };
    await runJob(jobSpecSchema.parse(job), secrets(), events, new AbortController().signal);
    expect(proxy.counts.partialBulks - before.partialBulks).toBeGreaterThan(0);
    expect(proxy.counts.timeLimits - before.timeLimits).toBeGreaterThan(0);
    expect(proxy.counts.throttled - before.throttled).toBeGreaterThan(0);
    // The stored BSON went out as it is, in document sequences, even to a wire-version-6 server.
    expect(proxy.counts.insertsAsSequence - before.insertsAsSequence).toBeGreaterThan(0);
    expect(proxy.counts.insertsInBody - before.insertsInBody).toBe(0);
    expect([...proxy.counts.insertWriteConcerns]).toEqual([JSON.stringify({ w: 1, wtimeout: 7000 })]);
    // Unordered: a refused document does not stop the ones after it in the batch.
    expect([...proxy.counts.insertOrdering]).toEqual(['false']);
    proxy.setPlan({});
    for (const name of ['readings', 'mixed']) {
      expect(await canonicalDocuments(client, 'telemetry_copy', name)).toEqual(await canonicalDocuments(client, 'telemetry', name));
    }
    expect(events.lines.some((line) => /The server throttled \d+ request\(s\) and timed out [1-9]\d*/.test(line)), events.lines.join('\n')).toBe(true);
  });

  it('on Cosmos RU records each collection\'s shard key (GetCollection), and a restore creates it and the unique index before any document', async () => {
    const fleet = client.db('fleet').collection('devices');
    await fleet.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: new ObjectId((i + 1).toString(16).padStart(24, '0')), serial: `SN-${String(i).padStart(5, '0')}`, firmware: new Int32(i % 7) })));
    await fleet.createIndex({ serial: 1 }, { unique: true, name: 'serial_unique' });
    // The app says it is an RU account (the inventory's kind): the loopback host name does not.
    const cosmos = { ...throughProxy(), deployment: 'cosmos-ru' as const };
    proxy.setPlan({ wireVersion: 6, cosmos: { shardKeys: { 'fleet.devices': { serial: 'hashed' } } } });
    proxy.commands.length = 0;
    const backupJob: JobSpec = { kind: 'backup', jobId: 'cosmos-backup', engine: 'mongodb', repository: { location: repo }, source: cosmos, databases: ['fleet'], resource: { id: 'mongodb://fleet', name: 'fleet account', kind: 'mongodb' } };
    const point = (await runJob(jobSpecSchema.parse(backupJob), secrets(), recordingEvents(), new AbortController().signal)) as BackupOutcome;
    fleetPointId = point.restorePointId;
    expect(proxy.commands.filter((command) => command.name === 'GetCollection').map((command) => command.namespace)).toEqual(['fleet.devices']);

    proxy.commands.length = 0;
    const events = recordingEvents();
    const restoreJob: JobSpec = { kind: 'restore', jobId: 'cosmos-restore', engine: 'mongodb', repository: { location: repo }, restorePointId: point.restorePointId, target: { kind: 'database', connection: cosmos, databaseMap: { fleet: 'fleet_copy' } } };
    await runJob(jobSpecSchema.parse(restoreJob), secrets(), events, new AbortController().signal);
    expect(events.lines.some((line) => /indexes before the data/.test(line)), events.lines.join('\n')).toBe(true);
    const onTarget = proxy.commands.filter((command) => command.namespace === 'fleet_copy.devices');
    const first = (name: string) => onTarget.findIndex((command) => command.name === name);
    // The order Cosmos RU needs: the collection, its shard key and unique index while it is empty, then the documents.
    expect(first('create')).toBeGreaterThanOrEqual(0);
    expect(first('shardCollection')).toBeGreaterThan(first('create'));
    expect(first('createIndexes')).toBeGreaterThan(first('shardCollection'));
    expect(first('insert')).toBeGreaterThan(first('createIndexes'));
    expect(onTarget.find((command) => command.name === 'shardCollection')?.key).toEqual({ serial: 'hashed' });
    proxy.setPlan({});
    expect(await canonicalDocuments(client, 'fleet_copy', 'devices')).toEqual(await canonicalDocuments(client, 'fleet', 'devices'));
    await expect(client.db('fleet_copy').collection('devices').insertOne({ serial: 'SN-00001' })).rejects.toThrow(/duplicate key/);
  });

  it('fails a restore whose documents the server did not all acknowledge, naming the half-restored collection', async () => {
    expect(fleetPointId).not.toBe('');
    proxy.setPlan({ understatedInserts: 1 });
    const job: JobSpec = { kind: 'restore', jobId: 'lost-acknowledgement', engine: 'mongodb', repository: { location: repo }, restorePointId: fleetPointId, target: { kind: 'database', connection: throughProxy(), databaseMap: { fleet: 'fleet_unsure' } } };
    await expect(runJob(jobSpecSchema.parse(job), secrets(), recordingEvents(), new AbortController().signal)).rejects.toThrow(/acknowledged 499 document\(s\) written into fleet_unsure\.devices, but the restore point recorded 500 \(500 read\)\. The target is half-restored/);
    proxy.setPlan({});
  });
});
