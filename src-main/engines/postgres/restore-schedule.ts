import type { TocEntry } from './archive/archive-format.ts';
import { postDataReady } from './post-data-readiness.ts';

/**
 * A post-data pass goes ahead of the next table only for a table at least this big: building a big
 * table's indexes while other tables load is what shortens a restore, and one pg_restore process
 * per small table would cost more than it saves. The post-data of small tables is built together
 * once every table has started.
 */
export const EARLY_POST_DATA_MIN_BYTES = 32 * 1024 * 1024;

/** What a free stream does next: load one table, or build post-data entries in one pg_restore pass. */
export type RestoreWork = { kind: 'table'; entry: TocEntry } | { kind: 'post-data'; entries: TocEntry[]; jobs: number };

/** Where a split restore stands when a stream frees up. */
export interface RestoreState {
  toc: readonly TocEntry[];
  /** `TABLE DATA` entries not started yet, largest first. */
  waiting: readonly TocEntry[];
  /** `TABLE DATA` entries loading now. */
  loading: readonly TocEntry[];
  /** Post-data entries in no pass yet. */
  pending: readonly TocEntry[];
  /** Post-data entries of the passes running now. */
  building: readonly TocEntry[];
  freeStreams: number;
  /** Stored bytes of a `TABLE DATA` entry (0 when unknown). */
  sizeOf(data: TocEntry): number;
}

/**
 * Chooses the next work for a free stream, the way `pg_restore -j` orders its ready list (largest
 * table first, an index ranked by the size of its table):
 * - post-data entries are ready when no chain of dependencies reaches a table still waiting or
 *   loading, or an entry still being built (`postDataReady`);
 * - while tables wait, ready post-data goes first when the largest table it finishes is bigger
 *   than the next table and at least `EARLY_POST_DATA_MIN_BYTES`; it runs with one job;
 * - once every table has started, ready post-data runs with every free stream as jobs.
 * Returns undefined when nothing can start until running work finishes.
 */
export function nextRestoreWork(state: RestoreState): RestoreWork | undefined {
  if (state.freeStreams < 1) return undefined;
  const ready = postDataReady(state.toc, state.pending, [...state.waiting, ...state.loading], state.building);
  const next = state.waiting[0];
  if (!next) return ready.length > 0 ? { kind: 'post-data', entries: ready, jobs: state.freeStreams } : undefined;
  if (ready.length > 0) {
    const finishes = largestTableFinished(state, ready);
    if (finishes >= EARLY_POST_DATA_MIN_BYTES && finishes > state.sizeOf(next)) return { kind: 'post-data', entries: ready, jobs: 1 };
  }
  return { kind: 'table', entry: next };
}

/** The stored size of the largest table whose `TABLE` entry one of `entries` depends on directly. */
function largestTableFinished(state: RestoreState, entries: readonly TocEntry[]): number {
  const sizeByTable = new Map<string, number>();
  for (const data of state.toc) {
    if (data.desc !== 'TABLE DATA') continue;
    for (const table of data.dependencies) sizeByTable.set(table, Math.max(sizeByTable.get(table) ?? 0, state.sizeOf(data)));
  }
  let largest = 0;
  for (const entry of entries) for (const dependency of entry.dependencies) largest = Math.max(largest, sizeByTable.get(dependency) ?? 0);
  return largest;
}


/** What a split restore runs, and how: the work functions get a signal that stops on the first failure. */
export interface RestoreSchedulePlan {
  toc: readonly TocEntry[];
  /** `TABLE DATA` entries to load, largest first. */
  tables: readonly TocEntry[];
  /** Post-data entries to build. */
  postData: readonly TocEntry[];
  streams: number;
  sizeOf(data: TocEntry): number;
  signal: AbortSignal;
  loadTable(entry: TocEntry, signal: AbortSignal): Promise<void>;
  buildPostData(entries: TocEntry[], jobs: number, signal: AbortSignal): Promise<void>;
}

/** How a schedule went, for the session log. */
export interface RestoreScheduleOutcome {
  passes: number;
  /** Post-data entries built while some table was still waiting or loading. */
  builtWhileLoading: number;
}

/**
 * Runs every table load and post-data pass on `streams` streams, each free stream taking
 * `nextRestoreWork`. The first failure aborts the signal the other work got and is rethrown once
 * everything started has settled; nothing new starts after it.
 */
export async function runRestoreSchedule(plan: RestoreSchedulePlan): Promise<RestoreScheduleOutcome> {
  const waiting = [...plan.tables];
  const loading = new Set<TocEntry>();
  const pending = new Set(plan.postData);
  const building = new Set<TocEntry>();
  const outcome: RestoreScheduleOutcome = { passes: 0, builtWhileLoading: 0 };
  let freeStreams = plan.streams;
  let failure: { error: unknown } | undefined;
  const controller = new AbortController();
  const signal = AbortSignal.any([plan.signal, controller.signal]);
  let active = 0;
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));

  const run = (streams: number, work: () => Promise<void>, after: () => void) => {
    freeStreams -= streams;
    active++;
    work()
      .catch((error: unknown) => {
        failure ??= { error };
        controller.abort(error);
      })
      .finally(() => {
        after();
        freeStreams += streams;
        active--;
        schedule();
      });
  };
  const schedule = () => {
    while (!failure && !plan.signal.aborted) {
      const work = nextRestoreWork({ toc: plan.toc, waiting, loading: [...loading], pending: [...pending], building: [...building], freeStreams, sizeOf: plan.sizeOf });
      if (!work) break;
      if (work.kind === 'table') {
        const entry = waiting.shift()!;
        loading.add(entry);
        run(1, () => plan.loadTable(entry, signal), () => loading.delete(entry));
      } else {
        outcome.passes++;
        if (waiting.length + loading.size > 0) outcome.builtWhileLoading += work.entries.length;
        for (const entry of work.entries) {
          pending.delete(entry);
          building.add(entry);
        }
        run(work.jobs, () => plan.buildPostData(work.entries, work.jobs, signal), () => work.entries.forEach((entry) => building.delete(entry)));
      }
    }
    if (active === 0) settle();
  };

  schedule();
  await settled;
  if (failure) throw failure.error;
  plan.signal.throwIfAborted();
  // With nothing loading or building everything pending is ready; kept as a safety net.
  if (pending.size > 0) {
    outcome.passes++;
    await plan.buildPostData([...pending], plan.streams, plan.signal);
  }
  return outcome;
}
