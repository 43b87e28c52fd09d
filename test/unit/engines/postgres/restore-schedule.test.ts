import { describe, expect, it } from 'vitest';
import { SECTION } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { tocEntry } from './support/toc-entry.ts';
import { EARLY_POST_DATA_MIN_BYTES, nextRestoreWork, runRestoreSchedule } from '../../../../src-main/engines/postgres/restore-schedule.ts';
import type { RestoreState, RestoreWork } from '../../../../src-main/engines/postgres/restore-schedule.ts';

const entry = tocEntry;

// Three tables as pg_dump records them: `events` (largest), `orders` (big), `customers` (small).
const MB = 1024 * 1024;
const tables = { events: entry(1, 'TABLE', 'events', SECTION.preData), orders: entry(2, 'TABLE', 'orders', SECTION.preData), customers: entry(3, 'TABLE', 'customers', SECTION.preData) };
const events = entry(11, 'TABLE DATA', 'events', SECTION.data, [1]);
const orders = entry(12, 'TABLE DATA', 'orders', SECTION.data, [2]);
const customers = entry(13, 'TABLE DATA', 'customers', SECTION.data, [3]);
const eventsKey = entry(21, 'CONSTRAINT', 'events_pkey', SECTION.postData, [1]);
const ordersKey = entry(22, 'CONSTRAINT', 'orders_pkey', SECTION.postData, [2]);
const ordersIndex = entry(23, 'INDEX', 'orders_customer_idx', SECTION.postData, [2]);
const customersKey = entry(24, 'CONSTRAINT', 'customers_pkey', SECTION.postData, [3]);
// orders → customers: needs the customers key.
const ordersForeignKey = entry(25, 'FK CONSTRAINT', 'orders_customer_fkey', SECTION.postData, [2, 24]);
const toc = [...Object.values(tables), events, orders, customers, eventsKey, ordersKey, ordersIndex, customersKey, ordersForeignKey];
const sizes = new Map([[events.dumpId, 600 * MB], [orders.dumpId, 100 * MB], [customers.dumpId, 5 * MB]]);

function next(state: Partial<RestoreState>): RestoreWork | undefined {
  return nextRestoreWork({ toc, waiting: [], loading: [], pending: [], building: [], freeStreams: 1, sizeOf: (data) => sizes.get(data.dumpId) ?? 0, ...state });
}
const tags = (work: RestoreWork | undefined) => (work?.kind === 'post-data' ? { jobs: work.jobs, tags: work.entries.map((e) => e.tag) } : work && { table: work.entry.tag });
const allPostData = [eventsKey, ordersKey, ordersIndex, customersKey, ordersForeignKey];

describe('nextRestoreWork', () => {
  it('starts the largest waiting table first', () => {
    expect(tags(next({ waiting: [events, orders, customers], pending: allPostData, freeStreams: 2 }))).toEqual({ table: 'events' });
  });

  it("builds a big table's indexes as soon as it is loaded, ahead of a smaller table", () => {
    expect(EARLY_POST_DATA_MIN_BYTES).toBeLessThan(100 * MB);
    const work = next({ waiting: [customers], loading: [events], pending: allPostData });
    // The foreign key waits for the customers key, which waits for the customers data.
    expect(tags(work)).toEqual({ jobs: 1, tags: ['orders_pkey', 'orders_customer_idx'] });
  });

  it('loads the next table rather than build the post-data of a small one', () => {
    const work = next({ waiting: [orders], loading: [events], pending: [eventsKey, ordersKey, ordersIndex, customersKey, ordersForeignKey] });
    expect(tags(work)).toEqual({ table: 'orders' });
  });

  it('builds what is ready with every free stream once all tables have started', () => {
    const work = next({ loading: [events], pending: [eventsKey, customersKey, ordersForeignKey], freeStreams: 1 });
    expect(tags(work)).toEqual({ jobs: 1, tags: ['customers_pkey', 'orders_customer_fkey'] });
    const end = next({ pending: [eventsKey], freeStreams: 2 });
    expect(tags(end)).toEqual({ jobs: 2, tags: ['events_pkey'] });
  });

  it('holds back entries that depend on a pass still running, and starts the rest beside it', () => {
    const work = next({ pending: [eventsKey, ordersForeignKey], building: [customersKey], freeStreams: 1 });
    expect(tags(work)).toEqual({ jobs: 1, tags: ['events_pkey'] });
    expect(next({ pending: [ordersForeignKey], building: [customersKey, eventsKey], freeStreams: 1 })).toBeUndefined();
  });

  it('waits when nothing can start, and never without a free stream', () => {
    expect(next({ loading: [events], pending: [eventsKey] })).toBeUndefined();
    expect(next({ waiting: [customers], freeStreams: 0 })).toBeUndefined();
  });
});

/** Work started by the schedule, finished by the test. */
interface Started {
  label: string;
  signal: AbortSignal;
  finish(): void;
  fail(error: Error): void;
}

function harness(streams: number) {
  const started: Started[] = [];
  const record = (label: string, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => started.push({ label, signal, finish: resolve, fail: reject }));
  const done = runRestoreSchedule({
    toc,
    tables: [events, orders, customers],
    postData: allPostData,
    streams,
    sizeOf: (data) => sizes.get(data.dumpId) ?? 0,
    signal: new AbortController().signal,
    loadTable: (entry, signal) => record(`load ${entry.tag}`, signal),
    buildPostData: (entries, jobs, signal) => record(`build ${entries.map((e) => e.tag).join(',')} -j${jobs}`, signal),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const finish = async (label: string) => {
    started.find((work) => work.label === label)!.finish();
    await settle();
  };
  return { started, done, finish, settle, labels: () => started.map((work) => work.label) };
}

describe('runRestoreSchedule', () => {
  it('runs loads and post-data passes on the streams in pg_restore order', async () => {
    const h = harness(2);
    await h.settle();
    expect(h.labels()).toEqual(['load events', 'load orders']);
    await h.finish('load orders');
    expect(h.labels().at(-1)).toBe('build orders_pkey,orders_customer_idx -j1');
    await h.finish('build orders_pkey,orders_customer_idx -j1');
    expect(h.labels().at(-1)).toBe('load customers');
    await h.finish('load customers');
    expect(h.labels().at(-1)).toBe('build customers_pkey,orders_customer_fkey -j1');
    // The last table's key starts the moment its data is in, beside the pass still running.
    await h.finish('load events');
    expect(h.labels().at(-1)).toBe('build events_pkey -j1');
    await h.finish('build customers_pkey,orders_customer_fkey -j1');
    await h.finish('build events_pkey -j1');
    expect(await h.done).toEqual({ passes: 3, builtWhileLoading: 4 });
  });

  it('stops the other work on the first failure, starts nothing after it, and reports that failure', async () => {
    const h = harness(2);
    await h.settle();
    const broken = new Error('orders: duplicate key');
    h.started.find((work) => work.label === 'load orders')!.fail(broken);
    await h.settle();
    const events = h.started.find((work) => work.label === 'load events')!;
    expect(events.signal.aborted).toBe(true);
    events.fail(new Error('canceled'));
    await expect(h.done).rejects.toBe(broken);
    expect(h.labels()).toEqual(['load events', 'load orders']);
  });

  it('waits for every started piece of work before it fails', async () => {
    const h = harness(2);
    await h.settle();
    h.started.find((work) => work.label === 'load orders')!.fail(new Error('lost'));
    let settled = false;
    void h.done.catch(() => (settled = true));
    await h.settle();
    expect(settled).toBe(false);
    await h.finish('load events');
    expect(settled).toBe(true);
  });
});
