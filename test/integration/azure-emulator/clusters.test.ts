import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClusterManagementClient } from '@azure/arm-mongocluster';
import { bearerTokenAuthenticationPolicy, createHttpHeaders, createPipelineFromOptions, createPipelineRequest, createDefaultHttpClient } from '@azure/core-rest-pipeline';
import { armClientOptions } from '../../azure-emulator/client-helpers.ts';
import { all, credentialFor, FAST, POLL, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

const DAY = 86_400_000;

describe('Cosmos DB for PostgreSQL and MongoDB vCore clusters', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: false });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  /** No PostgreSQL cluster SDK is installed: a plain core-rest-pipeline client with the same auth and TLS. */
  async function pg(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }> {
    const pipeline = createPipelineFromOptions({ tlsOptions: { ca: emulator.caCertPem }, retryOptions: { retryDelayInMs: 20 } });
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: credentialFor(emulator), scopes: 'https://management.azure.com/.default' }));
    const request = createPipelineRequest({ url: `${emulator.armEndpoint}${path}${path.includes('?') ? '&' : '?'}api-version=2023-03-02-preview`, method, headers: createHttpHeaders({ 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
    const res = await pipeline.sendRequest(createDefaultHttpClient(), request);
    return { status: res.status, body: res.bodyAsText ? (JSON.parse(res.bodyAsText) as Record<string, unknown>) : {}, headers: res.headers.toJSON() };
  }

  it('gets and lists PostgreSQL clusters and restores one to a point in time', async () => {
    const base = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DBforPostgreSQL/serverGroupsv2`;
    const got = await pg('GET', `${base}/billing-pg`);
    expect(got.status).toBe(200);
    const props = got.body['properties'] as Record<string, unknown>;
    expect(props['state']).toBe('Ready');
    expect(props['earliestRestoreTime']).toBeTruthy();
    const listed = await pg('GET', `/subscriptions/${SUB}/providers/Microsoft.DBforPostgreSQL/serverGroupsv2`);
    expect((listed.body['value'] as unknown[]).length).toBe(1);

    const created = await pg('PUT', `${base}/billing-pg-restored`, { location: 'eastus', properties: { sourceResourceId: got.body['id'], sourceLocation: 'eastus', pointInTimeUTC: new Date(Date.now() - 2 * DAY).toISOString() } });
    expect(created.status).toBe(201);
    expect(created.headers['azure-asyncoperation']).toMatch(new RegExp(`^${emulator.armEndpoint}/subscriptions/.*/azureAsyncOperation/`));
    expect((created.body['properties'] as Record<string, unknown>)['provisioningState']).toBe('Provisioning');
    emulator.advanceTime(1_000);
    const status = await pg('GET', new URL(created.headers['azure-asyncoperation'] ?? '').pathname);
    expect(status.body['status']).toBe('Succeeded');
    const restored = await pg('GET', `${base}/billing-pg-restored`);
    expect(restored.body['properties']).toMatchObject({ state: 'Ready', sourceResourceId: got.body['id'], nodeCount: 2 });

    const tooOld = await pg('PUT', `${base}/billing-pg-old`, { location: 'eastus', properties: { sourceResourceId: got.body['id'], sourceLocation: 'eastus', pointInTimeUTC: new Date(Date.now() - 60 * DAY).toISOString() } });
    expect(tooOld.status).toBe(400);
  });

  it('gets, lists and point-in-time restores MongoDB vCore clusters through @azure/arm-mongocluster', async () => {
    const client = new MongoClusterManagementClient(credentialFor(emulator), SUB, armClientOptions(emulator));
    const source = await client.mongoClusters.get('rg-data', 'inventory-vcore');
    expect(source.properties?.clusterStatus).toBe('Ready');
    expect(source.properties?.backup?.earliestRestoreTime).toBeTruthy();
    expect((await all(client.mongoClusters.list())).map((c) => c.name)).toEqual(['inventory-vcore']);
    const restored = await client.mongoClusters.createOrUpdate('rg-data', 'inventory-restored', {
      location: 'eastus',
      properties: { createMode: 'PointInTimeRestore', restoreParameters: { pointInTimeUTC: new Date(Date.now() - DAY), sourceResourceId: source.id } },
    }, POLL);
    expect(restored.properties?.provisioningState).toBe('Succeeded');
    expect(restored.properties?.restoreParameters?.sourceResourceId).toBe(source.id);
    expect(restored.properties?.compute?.tier).toBe('M30');
    await expect(
      client.mongoClusters.createOrUpdate('rg-data', 'inventory-too-old', { location: 'eastus', properties: { createMode: 'PointInTimeRestore', restoreParameters: { pointInTimeUTC: new Date(Date.now() - 20 * DAY), sourceResourceId: source.id } } }, POLL),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
