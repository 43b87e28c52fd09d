import { describe, expect, it } from 'vitest';
import { SECTION } from '../../../../src-main/engines/postgres/archive/archive-format.ts';
import { tocEntry } from './support/toc-entry.ts';
import { postDataReady } from '../../../../src-main/engines/postgres/post-data-readiness.ts';

const entry = tocEntry;

// Two tables, `events` (large, still loading) and `customers` (loaded), as pg_dump records them.
const eventsTable = entry(10, 'TABLE', 'events', SECTION.preData);
const customersTable = entry(11, 'TABLE', 'customers', SECTION.preData);
const eventsView = entry(12, 'MATERIALIZED VIEW', 'daily', SECTION.preData, [10]);
const eventsData = entry(20, 'TABLE DATA', 'events', SECTION.data, [10]);
const customersData = entry(21, 'TABLE DATA', 'customers', SECTION.data, [11]);
const customersKey = entry(30, 'CONSTRAINT', 'customers_pkey', SECTION.postData, [11]);
const customersIndex = entry(31, 'INDEX', 'customers_name', SECTION.postData, [11]);
const eventsKey = entry(32, 'CONSTRAINT', 'events_pkey', SECTION.postData, [10]);
// events → customers: needs the customers key and the events table.
const eventsForeignKey = entry(33, 'FK CONSTRAINT', 'events_customer_fkey', SECTION.postData, [10, 30]);
// customers → events (through the events key): blocked only through another post-data entry.
const customersForeignKey = entry(34, 'FK CONSTRAINT', 'customers_last_event_fkey', SECTION.postData, [11, 32]);
// A refresh reaches events only through its view (a pre-data entry).
const refresh = entry(35, 'MATERIALIZED VIEW DATA', 'daily', SECTION.postData, [12]);
const toc = [eventsTable, customersTable, eventsView, eventsData, customersData, customersKey, customersIndex, eventsKey, eventsForeignKey, customersForeignKey, refresh];
const postData = toc.filter((candidate) => candidate.section === SECTION.postData);

describe('postDataReady', () => {
  it('lets through what depends only on loaded tables, and holds back every chain that reaches a loading one', () => {
    const ready = postDataReady(toc, postData, [eventsData]);
    expect(ready.map((candidate) => candidate.tag)).toEqual(['customers_pkey', 'customers_name']);
  });

  it('holds back every chain that reaches an entry another pass is still building', () => {
    // customers_pkey is being built: the foreign key on it waits, events_pkey does not.
    const ready = postDataReady(toc, [eventsKey, eventsForeignKey, customersIndex], [], [customersKey]);
    expect(ready.map((candidate) => candidate.tag)).toEqual(['events_pkey', 'customers_name']);
  });

  it('holds back nothing once every table is loaded, and everything of a table still loading', () => {
    expect(postDataReady(toc, postData, [])).toEqual(postData);
    const both = postDataReady(toc, postData, [eventsData, customersData]);
    expect(both).toEqual([]);
  });

  it('survives a dependency cycle', () => {
    const a = entry(40, 'INDEX', 'a', SECTION.postData, [41]);
    const b = entry(41, 'INDEX', 'b', SECTION.postData, [40, 10]);
    expect(postDataReady([...toc, a, b], [a, b], [eventsData])).toEqual([]);
    expect(postDataReady([...toc, a, b], [a, b], [])).toEqual([a, b]);
  });
});
