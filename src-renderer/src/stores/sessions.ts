import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Session } from '../../../src-main/shared/session.ts';
import {
  compareSessionsNewestFirst,
  countByStatus,
  isNewerSnapshot,
  matchesFilter,
  sinceTime,
  type SessionFilter,
} from '../logic/session-status.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';

/** How many sessions a list request asks for. */
export const SESSION_PAGE = 500;

/**
 * Sessions known to the console, keyed by id. Filled by `sessions.list` and kept current by
 * `session.updated` events (no polling). A stale snapshot never replaces a newer one.
 */
export const useSessionsStore = defineStore('sessions', () => {
  const byId = ref<Record<string, Session>>({});
  const filter = ref<SessionFilter>({ statuses: [], kinds: [] });
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  const actionError = ref<string | null>(null);
  const startingCheck = ref(false);
  const canceling = ref<Record<string, boolean>>({});

  const all = computed(() => Object.values(byId.value).sort(compareSessionsNewestFirst));
  const filtered = computed(() => all.value.filter((session) => matchesFilter(session, filter.value)));
  const statusCounts = computed(() => countByStatus(all.value));

  function upsert(session: Session): void {
    if (isNewerSnapshot(session, byId.value[session.id])) byId.value[session.id] = session;
  }

  /** Loads the newest sessions matching the current filter (the server filters too, so old matches show). */
  async function load(): Promise<void> {
    loading.value = true;
    try {
      const { statuses, kinds, policyId, resourceId, since } = filter.value;
      const after = sinceTime(since, Date.now());
      const list = await getClient().invoke('sessions.list', {
        limit: SESSION_PAGE,
        ...(statuses.length ? { status: statuses } : {}),
        ...(kinds.length ? { kind: kinds } : {}),
        ...(policyId ? { policyId } : {}),
        ...(resourceId ? { resourceId } : {}),
        ...(after ? { after } : {}),
      });
      for (const session of list) upsert(session);
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  async function setFilter(next: SessionFilter): Promise<void> {
    filter.value = { ...next, statuses: [...next.statuses], kinds: [...next.kinds] };
    await load();
  }

  /** Fetches one session (for a detail page opened directly); throws a ClientError (e.g. `not_found`). */
  async function fetchOne(id: string): Promise<Session> {
    const session = await getClient().invoke('sessions.get', { id });
    upsert(session);
    return byId.value[id] ?? session;
  }

  /** Starts an environment check; resolves with its session, or null when it could not start. */
  async function runEnvironmentCheck(): Promise<Session | null> {
    startingCheck.value = true;
    actionError.value = null;
    try {
      const session = await getClient().invoke('checks.environment', {});
      upsert(session);
      return session;
    } catch (e) {
      actionError.value = `Could not start the environment check: ${errorMessage(e)}`;
      return null;
    } finally {
      startingCheck.value = false;
    }
  }

  async function cancel(id: string): Promise<void> {
    canceling.value = { ...canceling.value, [id]: true };
    actionError.value = null;
    try {
      upsert(await getClient().invoke('sessions.cancel', { id }));
    } catch (e) {
      actionError.value = `Could not cancel the session: ${errorMessage(e)}`;
    } finally {
      const { [id]: _done, ...rest } = canceling.value;
      canceling.value = rest;
    }
  }

  return { byId, filter, loading, loaded, error, actionError, startingCheck, canceling, all, filtered, statusCounts, upsert, load, setFilter, fetchOne, runEnvironmentCheck, cancel };
});
