import type { ChannelInput, ChannelName, ChannelOutput } from '../../shared/contract.ts';
import type { ConnectedClient } from './client.ts';
import type { AppCore } from '../app-core.ts';
import { startRepositoryRestore } from '../restores/repository-restore.ts';

type Handler<C extends ChannelName> = (input: ChannelInput<C> & object, client: ConnectedClient) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
export type Handlers = { [C in ChannelName]: Handler<C> };

/** Maps every contract channel to the core service that answers it. Inputs arrive already validated. */
export function createHandlers(core: AppCore): Handlers {
  return {
    'app.info': (_input, client) => core.appInfo(client.transport),
    'sessions.list': (input) => core.sessions.list({ status: input.status, kind: input.kind, limit: input.limit ?? 200, before: input.before }),
    'sessions.get': (input) => core.sessions.get(input.id),
    'sessions.logs': (input) => core.sessions.logs(input.id, input.afterSeq ?? 0, input.limit ?? 5000, input.minLevel ?? 'debug'),
    'sessions.watch': (input, client) => {
      core.logWatch.watch(client, input.id, input.afterSeq ?? 0);
      return { watching: true as const };
    },
    'sessions.unwatch': (input, client) => {
      core.logWatch.unwatch(client, input.id);
      return { watching: false as const };
    },
    'sessions.cancel': (input) => core.sessions.cancel(input.id),
    'checks.environment': () => core.startEnvironmentCheck(),
    'policies.list': () => core.policies.list(),
    'policies.get': (input) => core.policies.get(input.id),
    'policies.validate': (input) => {
      const result = core.policies.validate(input.policy);
      return { ok: result.ok, issues: result.issues };
    },
    'policies.save': (input) => core.policies.save(input.policy),
    'policies.delete': (input) => {
      core.policies.delete(input.id);
      return { deleted: true as const };
    },
    'repositories.list': () => core.repositoryCatalog.list(),
    'repositories.add': (input) => core.repositoryCatalog.add({ ...input, create: input.create ?? false, encryption: input.encryption ?? 'aes-256-gcm', isArchive: input.isArchive ?? false }).session,
    'repositories.check': (input) => core.repositoryCatalog.startCheck(input.id, input.readData ?? false),
    'repositories.rescan': (input) => core.repositoryCatalog.startRescan(input.id),
    'restorePoints.list': (input) => core.restorePoints.list({ resourceId: input.resourceId, repositoryId: input.repositoryId, kind: input.kind, limit: input.limit }),
    'azure.resources': (input) => core.azure.inventory.listResources({ includeDeleted: input.includeDeleted ?? false }),
    'azure.sync': (input) => core.azure.startSync({ cloudProfile: input.cloudProfile, tenantId: input.tenantId, subscriptionIds: input.subscriptionIds }),
    'azure.configure': (input) => core.azure.startConfiguration({ cloudProfile: input.cloudProfile, tenantId: input.tenantId, policy: input.policy }),
    'azure.restorePitr': (input) => core.azure.startRestore(input),
    'restores.start': (input) =>
      startRepositoryRestore(core, {
        restorePointId: input.restorePointId,
        repositoryId: input.repositoryId,
        databases: input.databases ?? [],
        target:
          input.target.kind === 'folder'
            ? input.target
            : { ...input.target, databaseMap: input.target.databaseMap ?? {}, clean: input.target.clean ?? false, noOwner: input.target.noOwner ?? false },
      }),
    'scheduling.setPaused': (input, client) => {
      core.settings.set('schedulingPaused', input.paused, core.clock.now().toISOString());
      return core.appInfo(client.transport);
    },
  };
}
