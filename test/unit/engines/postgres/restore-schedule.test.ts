import { describe, expect, it } from 'vitest';
import { SECTION } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { tocEntry } from './support/toc-entry.ts';
import { EARLY_POST_DATA_MIN_BYTES, nextRestoreWork } from '../../../../src-main/engines/postgres/restore-schedule.ts';
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
