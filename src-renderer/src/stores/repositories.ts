import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RepositorySummary } from '../../../src-main/shared/catalog.ts';
import type { ChannelInput } from '../../../src-main/shared/contract.ts';
import { isFinalStatus, type Session } from '../../../src-main/shared/session.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';
import { useSessionsStore } from './sessions.ts';
import { useLoadState } from './load-state.ts';

/** A session the console started on a repository (or to add one), followed until it ends. */
export interface RepositoryOperation {
  sessionId: string;
  /** The repository it works on; null for a connection test (the repository is not catalogued yet). */
  repositoryId: string | null;
  action: 'add' | 'check' | 'check-data' | 'rescan' | 'backup';
}

/**
 * The catalogued repositories and the sessions started on them. When one of those sessions ends
 * (a `session.updated` event, or already ended by the time the start call answered), the list is
 * reloaded so sizes, counts and the last check show what the session found.
 *
 * Secrets given to `add` are passed straight to the core and never stored here.
 */
export const useRepositoriesStore = defineStore('repositories', () => {
  const byId = ref<Record<string, RepositorySummary>>({});
  const { loading, loaded, error, track } = useLoadState();
  /** Sessions started from this console, by session id. */
  const operations = ref<Record<string, RepositoryOperation>>({});
  /** Why the last action on a repository could not start, by repository id. */
  const actionErrors = ref<Record<string, string>>({});
  /** Listeners told when a followed session ends (e.g. restore points reload after a rescan). */
  const finishedListeners = new Set<(operation: RepositoryOperation, session: Session) => void>();

  const sorted = computed(() => Object.values(byId.value).sort((a, b) => a.name.localeCompare(b.name)));

  /** The newest operation on each repository, by repository id. */
  const latestOperation = computed(() => {
    const out: Record<string, RepositoryOperation> = {};
    for (const operation of Object.values(operations.value)) if (operation.repositoryId) out[operation.repositoryId] = operation;
    return out;
  });

  function load(): Promise<void> {
    return track(async () => {
      const list = await getClient().invoke('repositories.list', {});
      byId.value = Object.fromEntries(list.map((repository) => [repository.id, repository]));
    });
  }

  function follow(session: Session, operation: RepositoryOperation): void {
    const sessions = useSessionsStore();
    sessions.upsert(session);
    const { [session.id]: _old, ...rest } = operations.value;
    operations.value = { ...rest, [session.id]: operation };
    // Quick sessions can end before their start call answers: their final event came first.
    const known = sessions.byId[session.id] ?? session;
    if (isFinalStatus(known.status)) finished(operation, known);
  }

  function finished(operation: RepositoryOperation, session: Session): void {
    void load();
    for (const listener of finishedListeners) listener(operation, session);
  }

  /** Called for every `session.updated` event: reloads when a followed session ends. */
  function sessionUpdated(session: Session): void {
    const operation = operations.value[session.id];
    if (operation && isFinalStatus(session.status)) finished(operation, session);
  }

  /** Runs `fn` whenever a followed session ends; returns the unsubscribe function. */
  function onOperationFinished(fn: (operation: RepositoryOperation, session: Session) => void): () => void {
    finishedListeners.add(fn);
    return () => finishedListeners.delete(fn);
  }

  async function start(repositoryId: string, action: 'check' | 'check-data' | 'rescan'): Promise<Session | null> {
    const { [repositoryId]: _previous, ...others } = actionErrors.value;
    actionErrors.value = others;
    try {
      const client = getClient();
      const session =
        action === 'rescan' ? await client.invoke('repositories.rescan', { id: repositoryId }) : await client.invoke('repositories.check', { id: repositoryId, readData: action === 'check-data' });
      follow(session, { sessionId: session.id, repositoryId, action });
      return session;
    } catch (e) {
      const what = action === 'rescan' ? 'the rescan' : 'the check';
      actionErrors.value = { ...actionErrors.value, [repositoryId]: `Could not start ${what}: ${errorMessage(e)}` };
      return null;
    }
  }

  /**
   * Starts the connection test that adds a repository; resolves with its session. Throws a
   * ClientError when the core refuses the request outright (its `details.field` names the field).
   */
  async function add(input: ChannelInput<'repositories.add'>): Promise<Session> {
    const session = await getClient().invoke('repositories.add', input);
    follow(session, { sessionId: session.id, repositoryId: null, action: 'add' });
    return session;
  }

  /**
   * Starts a backup of a server into a catalogued repository; resolves with its session. Throws a
   * ClientError when the core refuses the request outright (its `details.field` names the field).
   */
  async function startBackup(input: ChannelInput<'backups.start'>): Promise<Session> {
    const session = await getClient().invoke('backups.start', input);
    follow(session, { sessionId: session.id, repositoryId: input.repositoryId, action: 'backup' });
    return session;
  }

  return { byId, loading, loaded, error, operations, actionErrors, sorted, latestOperation, load, sessionUpdated, onOperationFinished, start, add, startBackup };
});
