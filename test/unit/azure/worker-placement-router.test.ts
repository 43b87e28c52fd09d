import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { WorkerPlacementRouter } from '../../../src-main/azure/workers/worker-placement-router.ts';
import { openConfigDatabase } from '../../../src-main/core/config-db/open-database.ts';
import { WorkerConfigurationsStore } from '../../../src-main/core/config-db/worker-configurations-store.ts';
import { WorkersStore } from '../../../src-main/core/config-db/workers-store.ts';
import { systemClock } from '../../../src-main/core/clock.ts';
import { AppError } from '../../../src-main/shared/errors.ts';
import type { JobSpec } from '../../../src-main/worker/protocol.ts';
import type { WorkerEvent, WorkerHandle, WorkerLauncher } from '../../../src-main/worker/worker-launcher.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const blobJob: JobSpec = { kind: 'backup', jobId: 'j1', engine: 'postgres', repository: { location: 'https://acct.blob.core.windows.net/vault' }, source: { engine: 'postgres', host: 'h', port: 5432, database: 'citus', user: 'u', sslMode: 'require' }, resource: { id: 'r', name: 'r', kind: 'postgres-cluster' } };
const sharedKey = { storage: { kind: 'sharedKey' as const, accountKey: 'key' } };

describe('where a job runs', () => {
  const temp = makeTempDir('cosmos-router-');
  afterAll(() => temp.remove());

  function router(options: { defaultWorker?: 'azure' | 'this-computer'; connect?: () => Promise<never> } = {}) {
    const db = openConfigDatabase(join(temp.path, `${Math.random()}.db`));
    const configurations = new WorkerConfigurationsStore(db);
    const launched: string[] = [];
    const local: WorkerLauncher = {
      launch: async (): Promise<WorkerHandle> => {
        launched.push('local');
        return { events: (async function* () {})(), result: Promise.resolve({ kind: 'restore', databases: [], outputs: [], notes: [] }), released: Promise.resolve() };
      },
    };
    const instance = new WorkerPlacementRouter({
      local,
      connector: { connect: options.connect ?? (() => Promise.reject(new Error('not expected'))) },
      configurations,
      workers: new WorkersStore(db),
      clock: systemClock,
      installationId: () => 'i',
      defaultWorker: () => options.defaultWorker ?? 'azure',
      jobTimeoutSeconds: () => 3600,
      bundle: () => Promise.reject(new Error('not expected')),
    });
    return { instance, configurations, launched };
  }

  it('puts Azure data with a blob repository on a VM, and everything a VM cannot run on this computer, saying why', () => {
    const { instance } = router();
    expect(instance.choose(blobJob, sharedKey, { region: 'westeurope', subscriptionId: SUB })).toEqual({ where: 'azure' });
    expect(instance.choose(blobJob, sharedKey, {})).toMatchObject({ where: 'this-computer', reason: expect.stringMatching(/no region/) });
    expect(instance.choose({ ...blobJob, repository: { location: '/backups/vault' } }, {}, { region: 'westeurope', subscriptionId: SUB })).toMatchObject({ where: 'this-computer', reason: expect.stringMatching(/local folder or is opened with a SAS token/) });
    expect(instance.choose(blobJob, { storage: { kind: 'sas', sasToken: 'sv=x' } }, { region: 'westeurope', subscriptionId: SUB })).toMatchObject({ where: 'this-computer' });
    const folderRestore = { kind: 'restore', jobId: 'j2', repository: blobJob.repository, restorePointId: 'abcdef01', target: { kind: 'folder', path: '/tmp/x' } } as JobSpec;
    expect(instance.choose(folderRestore, sharedKey, { region: 'westeurope', subscriptionId: SUB })).toMatchObject({ where: 'this-computer', reason: expect.stringMatching(/into a folder/) });
    expect(router({ defaultWorker: 'this-computer' }).instance.choose(blobJob, sharedKey, { region: 'westeurope', subscriptionId: SUB })).toEqual({ where: 'this-computer' });
  });

  it('follows the region’s worker configuration first', () => {
    const { instance, configurations } = router({ defaultWorker: 'this-computer' });
    const now = new Date().toISOString();
    const subnetId = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/workers`;
    configurations.put({ id: 'c1', name: 'WE', region: 'westeurope', kind: 'azure', subscriptionId: SUB, resourceGroup: null, subnetId, vmSizes: ['Standard_E4s_v5'], tags: {}, keepWarmMinutes: 15, createdAt: now, updatedAt: now });
    configurations.put({ id: 'c2', name: 'Lab', region: 'northeurope', kind: 'this-computer', subscriptionId: null, resourceGroup: null, subnetId: null, vmSizes: [], tags: {}, keepWarmMinutes: 0, createdAt: now, updatedAt: now });
    expect(instance.choose(blobJob, sharedKey, { region: 'westeurope', subscriptionId: SUB })).toMatchObject({ where: 'azure', configuration: { name: 'WE', resourceGroup: 'rg-net', vmSizes: ['Standard_E4s_v5'], keepWarmMinutes: 15 } });
    expect(instance.choose(blobJob, sharedKey, { region: 'northeurope', subscriptionId: SUB })).toMatchObject({ where: 'this-computer', reason: 'Worker configuration "Lab" runs northeurope jobs on this computer.' });
  });

  it('runs on this computer, with a warning, when no Azure sign-in can create the worker', async () => {
    const { instance, launched } = router({ connect: () => Promise.reject(new AppError('unauthorized', 'Not signed in to Azure.')) });
    const handle = await instance.launch(blobJob, sharedKey, new AbortController().signal, { region: 'westeurope', subscriptionId: SUB });
    const events: WorkerEvent[] = [];
    for await (const event of handle.events) events.push(event);
    expect(launched).toEqual(['local']);
    expect(events[0]).toEqual({ type: 'log', level: 'warn', message: 'Runs on this computer: no worker VM can be created in westeurope because Not signed in to Azure.' });
  });
});
