import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventPayload } from '../../../src-main/shared/contract.ts';
import type { LogLevel } from '../../../src-main/shared/session.ts';
import { LogCatchUp } from '../logic/log-catch-up.ts';
import { SessionLogModel } from '../logic/log-model.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';

/** Page size of `sessions.logs` when filling a hole. */
export const LOG_PAGE_SIZE = 5000;

interface WatchedLog {
  model: SessionLogModel;
  catchUp: LogCatchUp;
  /** Connection generation this watch was registered in; a new connection needs a new watch. */
  generation: number;
  inFlight: boolean;
  error: string | null;
}

/**
 * Live logs of the sessions the console is looking at. `watch` asks the core for stored and then
 * live lines (`session.log` events, in order without gaps). Should lines ever arrive past a missing
 * seq anyway (a reconnect racing a batch), the hole is filled by paging `sessions.logs`. The lines themselves live in plain models outside
 * Vue's reactivity (100,000 reactive objects would be slow); `revision` changes when any log does.
 */
export const useSessionLogStore = defineStore('sessionLog', () => {
  const logs = shallowRef(markRaw(new Map<string, WatchedLog>()));
  const revision = ref(0);
  let generation = 0;

  function bump(): void {
    revision.value++;
  }

  function modelOf(id: string): SessionLogModel | null {
    return logs.value.get(id)?.model ?? null;
  }

  function errorOf(id: string): string | null {
    return logs.value.get(id)?.error ?? null;
  }

  /** Starts following a session's log (idempotent). */
  async function watch(id: string): Promise<void> {
    let entry = logs.value.get(id);
    if (!entry) {
      const model = new SessionLogModel(id);
      const catchUp = new LogCatchUp(
        model,
        async (afterSeq, limit) => getClient().invoke('sessions.logs', { id, afterSeq, limit }),
        { pageSize: LOG_PAGE_SIZE, onPage: bump },
      );
      entry = markRaw({ model, catchUp, generation: -1, inFlight: false, error: null });
      logs.value.set(id, entry);
      bump();
    }
    await register(id, entry);
  }

  async function register(id: string, entry: WatchedLog): Promise<void> {
    if (entry.inFlight || entry.generation === generation) return;
    entry.inFlight = true;
    try {
      await getClient().invoke('sessions.watch', { id, afterSeq: entry.model.lastSeq });
      entry.generation = generation;
      entry.error = null;
    } catch (error) {
      entry.error = `Could not follow this session's log: ${errorMessage(error)}`;
    } finally {
      entry.inFlight = false;
      bump();
    }
  }

  /** Stops following and frees the lines. */
  async function unwatch(id: string): Promise<void> {
    if (!logs.value.delete(id)) return;
    bump();
    try {
      await getClient().invoke('sessions.unwatch', { id });
    } catch {
      // The watch dies with the connection anyway; nothing to tell the user.
    }
  }

  /** A (re)opened connection has no watches: register every followed log again from where it stopped. */
  function connectionOpened(): void {
    generation++;
    for (const [id, entry] of logs.value) void register(id, entry);
  }

  function receiveLines(payload: EventPayload<'session.log'>): void {
    const entry = logs.value.get(payload.sessionId);
    if (!entry) return;
    const result = entry.model.merge(payload.lines);
    if (result.appended) bump();
    if (result.needsFetch) void fillGap(entry);
  }

  async function fillGap(entry: WatchedLog): Promise<void> {
    try {
      await entry.catchUp.request();
      entry.error = null;
    } catch (error) {
      entry.error = `Some log lines could not be loaded: ${errorMessage(error)}`;
      bump();
    }
  }

  function setLevels(id: string, levels: LogLevel[]): void {
    const entry = logs.value.get(id);
    if (!entry) return;
    entry.model.setLevels(levels);
    bump();
  }

  function setSearch(id: string, text: string): void {
    const entry = logs.value.get(id);
    if (!entry) return;
    entry.model.setSearch(text);
    bump();
  }

  return { revision, modelOf, errorOf, watch, unwatch, connectionOpened, receiveLines, setLevels, setSearch };
});
