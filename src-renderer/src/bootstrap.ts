import type { Pinia } from 'pinia';
import type { ContractClient } from './transport/client.ts';
import { setClient } from './stores/client.ts';
import { useAppStore } from './stores/app.ts';
import { useAzureResourcesStore } from './stores/azure-resources.ts';
import { useNavigationStore } from './stores/navigation.ts';
import { usePoliciesStore } from './stores/policies.ts';
import { useRepositoriesStore } from './stores/repositories.ts';
import { useRestorePointsStore } from './stores/restore-points.ts';
import { useSessionLogStore } from './stores/session-log.ts';
import { useSessionsStore } from './stores/sessions.ts';
import { isFinalStatus, type SessionKind } from '../../src-main/shared/session.ts';

/** Session kinds whose end changes the restore-point catalog. */
const CATALOG_CHANGING_KINDS = new Set<SessionKind>(['backup', 'archive', 'repository', 'rescan']);

/**
 * Wires the contract client to the stores: events update them, and every time the connection
 * (re)opens the console reloads what it shows and re-registers its log watches, since a new
 * connection (or a restarted service) knows nothing of the old one.
 */
export function connectStores(pinia: Pinia, client: ContractClient): () => void {
  setClient(client);
  const app = useAppStore(pinia);
  const sessions = useSessionsStore(pinia);
  const sessionLog = useSessionLogStore(pinia);
  const policies = usePoliciesStore(pinia);
  const repositories = useRepositoriesStore(pinia);
  const restorePoints = useRestorePointsStore(pinia);
  const azureResources = useAzureResourcesStore(pinia);
  const stops = [
    client.on('session.updated', (session) => {
      sessions.upsert(session);
      repositories.sessionUpdated(session);
      azureResources.sessionUpdated(session);
      // Backups, copies, retention and rescans change the catalog, whoever started them (this
      // console, another one, the CLI or the scheduler): show what they wrote.
      if (isFinalStatus(session.status) && CATALOG_CHANGING_KINDS.has(session.kind)) {
        if (restorePoints.loaded) void restorePoints.load();
        if (repositories.loaded) void repositories.load();
      }
    }),
    // Syncs and configuration sessions write continuous restore-point records.
    azureResources.onFinished(() => {
      if (restorePoints.loaded) void restorePoints.load();
    }),
    client.on('session.log', (payload) => sessionLog.receiveLines(payload)),
    client.onStatus((status) => {
      const wasOpen = app.connection.state === 'open';
      app.connection = status;
      if (status.state !== 'open' || wasOpen) return;
      void app.loadInfo();
      void sessions.load();
      if (policies.loaded) void policies.load();
      if (repositories.loaded) void repositories.load();
      if (restorePoints.loaded) void restorePoints.load();
      if (azureResources.loaded) void azureResources.load();
      sessionLog.connectionOpened();
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

/** Keeps the navigation store in step with the address bar and ticks the app clock every second. */
export function startBrowserLoops(pinia: Pinia): void {
  const navigation = useNavigationStore(pinia);
  const app = useAppStore(pinia);
  window.addEventListener('hashchange', () => navigation.sync(location.hash));
  window.setInterval(() => app.tick(), 1000);
}
