import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ChannelInput, ChannelOutput } from '../../../src-main/shared/contract.ts';
import { isFinalStatus, type Session } from '../../../src-main/shared/session.ts';
import type { AzureResource } from '../logic/azure-resources.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';
import { useSessionsStore } from './sessions.ts';
import { useLoadState } from './load-state.ts';

/** The Azure sessions this store starts: inventory sync and configuration (policy enforcement). */
export type AzureAction = 'sync' | 'configure';

/** Sign-in problems end a session with this (the connector's "Not signed in to Azure…"). */
const NOT_SIGNED_IN = /not signed in to azure|AZURE_TENANT_ID/i;

/**
 * The Azure inventory as of the last sync (deleted-but-restorable accounts included), and the
 * sync and configuration sessions started from the console. When one of them ends (a
 * `session.updated` event, or already ended when its start call answered) the inventory is
 * reloaded, and listeners are told (restore-point records change with every sync).
 */
export const useAzureResourcesStore = defineStore('azureResources', () => {
  const resources = ref<AzureResource[]>([]);
  const { loading, loaded, error, track } = useLoadState();
  /** The newest session of each action started here, by action. */
  const latest = ref<Partial<Record<AzureAction, string>>>({});
  /** Why the last start of an action was refused. */
  const actionError = ref<string | null>(null);
  const starting = ref<AzureAction | null>(null);
  const followed = new Map<string, AzureAction>();
  const finishedListeners = new Set<(action: AzureAction, session: Session) => void>();

  const byId = computed(() => new Map(resources.value.map((r) => [r.id.toLowerCase(), r])));

  /** A followed session (sync or configure) that is still running, if any. */
  const running = computed(() => {
    const sessions = useSessionsStore();
    return (['sync', 'configure'] as const).find((action) => {
      const id = latest.value[action];
      const session = id ? sessions.byId[id] : undefined;
      return session !== undefined && !isFinalStatus(session.status);
    }) ?? null;
  });

  /** The last sync or configuration session failed because no Azure sign-in is available. */
  const signInMissing = computed(() => {
    const sessions = useSessionsStore();
    return Object.values(latest.value).some((id) => {
      const session = id ? sessions.byId[id] : undefined;
      return session?.status === 'failed' && NOT_SIGNED_IN.test(session.summary ?? '');
    });
  });

  /** Subscriptions of the last sync, for names instead of GUIDs. */
  const subscriptions = ref<ChannelOutput<'azure.subscriptions'>>([]);
  const subscriptionName = (id: string) => subscriptions.value.find((s) => s.id.toLowerCase() === id.toLowerCase())?.displayName ?? id;

  function load(): Promise<void> {
    return track(async () => {
      [resources.value, subscriptions.value] = await Promise.all([getClient().invoke('azure.resources', { includeDeleted: true }), getClient().invoke('azure.subscriptions', {})]);
    });
  }

  function finished(action: AzureAction, session: Session): void {
    followed.delete(session.id);
    void load();
    for (const listener of finishedListeners) listener(action, session);
  }

  /** Called for every `session.updated` event: reloads when a followed session ends. */
  function sessionUpdated(session: Session): void {
    const action = followed.get(session.id);
    if (action && isFinalStatus(session.status)) finished(action, session);
  }

  /** Runs `fn` whenever a followed session ends; returns the unsubscribe function. */
  function onFinished(fn: (action: AzureAction, session: Session) => void): () => void {
    finishedListeners.add(fn);
    return () => finishedListeners.delete(fn);
  }

  /** Starts an inventory sync or a configuration session; resolves with it, or null when refused. */
  async function start(action: AzureAction): Promise<Session | null> {
    actionError.value = null;
    starting.value = action;
    try {
      const client = getClient();
      const session = action === 'sync' ? await client.invoke('azure.sync', {}) : await client.invoke('azure.configure', {});
      const sessions = useSessionsStore();
      sessions.upsert(session);
      latest.value = { ...latest.value, [action]: session.id };
      followed.set(session.id, action);
      // Quick sessions can end before their start call answers: their final event came first.
      const known = sessions.byId[session.id] ?? session;
      if (isFinalStatus(known.status)) finished(action, known);
      return session;
    } catch (e) {
      actionError.value = `Could not start ${action === 'sync' ? 'the sync' : 'the configuration session'}: ${errorMessage(e)}`;
      return null;
    } finally {
      starting.value = null;
    }
  }

  /**
   * Starts a point-in-time restore; resolves with its session. Throws the core's ClientError when
   * it refuses the request (its `details.field` names the wizard field).
   */
  async function startRestore(input: ChannelInput<'azure.restorePitr'>): Promise<Session> {
    const session = await getClient().invoke('azure.restorePitr', input);
    useSessionsStore().upsert(session);
    return session;
  }

  /** What an account held at a time and what of it is deleted now (Azure's list; the restore wizard's choices). */
  function restorableAt(input: ChannelInput<'azure.restorableAt'>) {
    return getClient().invoke('azure.restorableAt', input);
  }

  return { startRestore, restorableAt, subscriptions, subscriptionName, resources, loading, loaded, error, latest, actionError, starting, byId, running, signInMissing, load, sessionUpdated, onFinished, start };
});
