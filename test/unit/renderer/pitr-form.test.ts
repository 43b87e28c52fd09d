import { describe, expect, it } from 'vitest';
import {
  accountNameProblem,
  buildRestoreInput,
  fieldOfError,
  initialValues,
  resourceGroupProblem,
  stepsFor,
  timestampProblem,
  validateAll,
  validateStep,
  type PitrFormValues,
} from '../../../src-renderer/src/logic/pitr-form.ts';
import { atChosenTime, buildPitrSource, restoreKinds, type PitrSource } from '../../../src-renderer/src/logic/pitr-source.ts';
import { defaultTime, effectiveWindow, fromLocalInput, nearEdge, SAFETY_MARGIN_MS, toLocalInput } from '../../../src-renderer/src/logic/pitr-window.ts';
import { account, accountId, record } from './azure-sample-data.ts';

const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const MIN = 60_000;
const local = (iso: string) => toLocalInput(Date.parse(iso));

function source(): PitrSource {
  const id = accountId('orders-sql');
  return buildPitrSource(id, account('orders-sql'), [
    record(id, '2026-11-20T00:00:00.000Z', { databases: [{ name: 'orders', children: ['items', 'customers', 'archive'] }, { name: 'legacy', children: ['old'] }] }),
    record(id, '2026-11-21T00:00:00.000Z'),
  ])!;
}

function valid(overrides: Partial<PitrFormValues> = {}): PitrFormValues {
  return { ...initialValues(source(), 'new-account'), timestamp: local('2026-11-21T10:00:00.000Z'), targetName: 'orders-pitr', reason: 'ticket 1', ...overrides };
}

describe('restore source', () => {
  it('at a chosen time, offers what Azure lists then and, for in-account, only what is deleted now', () => {
    const view = {
      accountName: 'orders-sql', api: 'Sql', timestamp: '2026-11-17T00:00:00.000Z', window: { start: '2026-11-14T00:00:00.000Z', end: '2026-11-21T12:00:00.000Z' }, accountDeleted: false,
      databases: [{ name: 'legacy', children: ['old'] }, { name: 'orders', children: ['archive', 'customers', 'items'] }],
      tables: [],
      deleted: { items: [{ database: 'legacy', child: null }, { database: 'orders', child: 'archive' }], tables: [] },
    };
    const s = atChosenTime(source(), view);
    expect(s.listedAt).toBe('2026-11-17T00:00:00.000Z');
    expect(s.databases.map((db) => db.name)).toEqual(['legacy', 'orders']);
    const values = { ...initialValues(s, 'in-account'), timestamp: local('2026-11-17T00:00:00.000Z') };
    expect(validateStep('target', values, s, NOW).database).toBe('Choose the deleted database or container to restore.');
    expect(validateStep('target', { ...values, database: 'orders', child: 'archive' }, s, NOW)).toEqual({});
    expect(validateStep('target', { ...values, database: 'legacy' }, s, NOW)).toEqual({});
    expect(validateStep('target', { ...values, database: 'orders', child: 'items' }, s, NOW).database).toMatch(/not among what existed at the chosen time and is deleted now/);
    // A new account's selection may name what existed then.
    expect(validateStep('selection', { ...valid({ scope: 'selected', databases: ['legacy'] }) }, s, NOW)).toEqual({});
  });


  it('takes the window, regions and databases from the newest record, and what later vanished from older ones', () => {
    const s = source();
    expect(s.restorePointId).toBe('rec-2026-11-21T00:00:00.000Z');
    expect(s.window).toEqual({ start: '2026-11-14T00:00:00.000Z', end: null });
    expect(s.restorableLocations).toEqual(['West US', 'East US']);
    expect(s.databases).toEqual([{ name: 'orders', children: ['items', 'customers'] }]);
    expect(s.deletedCandidates).toEqual([
      { database: 'legacy', child: null },
      { database: 'orders', child: 'archive' },
    ]);
    expect(restoreKinds(s).map((k) => [k.kind, k.available])).toEqual([
      ['new-account', true],
      ['in-account', true],
      ['cluster', false],
    ]);
  });

  it('keeps a deleted account restorable into a new account only, its window ending at the deletion', () => {
    const id = accountId('retired-sql');
    const s = buildPitrSource(id, null, [record(id, '2026-11-21T00:00:00.000Z', { accountName: 'retired-sql', deleted: true }, { start: '2026-10-20T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z' })])!;
    expect(s.name).toBe('retired-sql');
    expect(s.window).toEqual({ start: '2026-10-20T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z' });
    expect(restoreKinds(s).filter((k) => k.available).map((k) => k.kind)).toEqual(['new-account']);
    const w = effectiveWindow(s, NOW)!;
    // No margin at a deletion end, as the core does.
    expect(w.latestMs).toBe(Date.parse('2026-11-16T00:00:00.000Z'));
  });

  it('offers cluster restores for clusters only', () => {
    const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing';
    const s = buildPitrSource(id, { ...account('billing'), id, kind: 'postgres-cluster', api: null, properties: { earliestRestoreTime: '2026-10-01T00:00:00.000Z' } }, [])!;
    expect(restoreKinds(s).filter((k) => k.available).map((k) => k.kind)).toEqual(['cluster']);
    expect(stepsFor('cluster')).toEqual(['source', 'time', 'target', 'review']);
  });
});

describe('restorable window', () => {
  it('moves the start with the retention and keeps the safety margin at both ends', () => {
    const w = effectiveWindow(source(), NOW)!;
    expect(w.startMs).toBe(NOW - 7 * 86_400_000);
    expect(w.earliestMs).toBe(w.startMs + SAFETY_MARGIN_MS);
    expect(w.latestMs).toBe(NOW - SAFETY_MARGIN_MS);
    expect(nearEdge(w.earliestMs + MIN, w)).toBe('start');
    expect(nearEdge(w.latestMs - MIN, w)).toBe('end');
    expect(nearEdge(NOW - 3 * 86_400_000, w)).toBeNull();
    expect(defaultTime(w)).toBe(w.latestMs - 60 * MIN);
  });

  it('reads and writes datetime-local values in local time', () => {
    const ms = Date.parse('2026-11-21T10:05:09.000Z');
    expect(fromLocalInput(toLocalInput(ms))).toBe(ms);
    expect(fromLocalInput('2026-11-21T10:05')).not.toBeNull();
    expect(fromLocalInput('2026-02-30T10:00')).toBeNull();
    expect(fromLocalInput('yesterday')).toBeNull();
  });

  it('refuses times outside the window or inside the margin, naming the accepted range', () => {
    const s = source();
    expect(timestampProblem(local('2026-11-21T10:00:00.000Z'), s, NOW)).toBeNull();
    expect(timestampProblem(local('2026-11-01T00:00:00.000Z'), s, NOW)).toMatch(/^This time is outside the restorable window: choose between /);
    expect(timestampProblem(toLocalInput(NOW - 2 * MIN), s, NOW)).toMatch(/within 5 min of the latest restorable time/);
    expect(timestampProblem(toLocalInput(NOW - 7 * 86_400_000 + 2 * MIN), s, NOW)).toMatch(/within 5 min of the oldest restorable time/);
    expect(timestampProblem('', s, NOW)).toBe('Choose the date and time to restore to.');
  });
});

describe('wizard validation', () => {
  it('checks names as the core does', () => {
    expect(accountNameProblem('orders-pitr')).toBeNull();
    expect(accountNameProblem('ab')).toMatch(/3 to 44/);
    expect(accountNameProblem('a'.repeat(45))).toMatch(/3 to 44/);
    expect(accountNameProblem('Orders')).toBe('Use lower-case letters only.');
    expect(accountNameProblem('orders_pitr')).toMatch(/only lower-case letters, digits and hyphens/);
    expect(accountNameProblem('-orders')).toMatch(/hyphen/);
    expect(accountNameProblem('a'.repeat(41), 40)).toMatch(/3 to 40/);
    expect(resourceGroupProblem('rg-prod.(1)')).toBeNull();
    expect(resourceGroupProblem('rg.')).toMatch(/period/);
    expect(resourceGroupProblem('rg prod')).toMatch(/Use only/);
  });

  it('checks the target: taken names, regions among the restorable locations', () => {
    const s = source();
    expect(validateStep('target', valid(), s, NOW, ['catalog-mongo'])).toEqual({});
    expect(validateStep('target', valid({ targetName: 'catalog-mongo' }), s, NOW, ['catalog-mongo']).targetName).toMatch(/already taken/);
    expect(validateStep('target', valid({ region: 'North Europe' }), s, NOW).region).toBe('The account can only be restored to West US, East US.');
    expect(validateStep('target', valid({ region: 'eastus' }), s, NOW)).toEqual({});
  });

  it('wants a selection when restoring chosen resources, and a reason', () => {
    const s = source();
    expect(validateStep('selection', valid({ scope: 'selected' }), s, NOW).selection).toMatch(/at least one database or container/);
    expect(validateStep('selection', valid({ scope: 'selected', children: ['orders/items'] }), s, NOW)).toEqual({});
    expect(validateStep('review', valid({ reason: '  ' }), s, NOW).reason).toMatch(/recorded/);
    expect(validateAll(valid({ timestamp: '', targetName: '', reason: '' }), s, NOW)).toMatchObject({ timestamp: expect.any(String), targetName: expect.any(String), reason: expect.any(String) });
  });

  it('refuses in-account restores of resources that exist now', () => {
    const s = source();
    const inAccount = (database: string, child = '') => validateStep('target', { ...valid(), kind: 'in-account', database, child }, s, NOW);
    expect(inAccount('orders').database).toMatch(/exists now/);
    expect(inAccount('orders', 'items').child).toMatch(/exists now/);
    expect(inAccount('orders', 'archive')).toEqual({});
    expect(inAccount('legacy')).toEqual({});
    expect(inAccount('').database).toMatch(/Enter the deleted database/);
  });
});

describe('restore request', () => {
  it('builds a new-account request with the selection, options and the record', () => {
    const s = source();
    const input = buildRestoreInput(valid({ region: 'East US', scope: 'selected', databases: [], children: ['orders/items'], disableTtl: true }), s);
    expect(input).toEqual({
      kind: 'new-account',
      sourceResourceId: s.resourceId,
      restorePointId: s.restorePointId,
      targetName: 'orders-pitr',
      targetResourceGroup: 'rg-prod',
      region: 'East US',
      timestamp: '2026-11-21T10:00:00.000Z',
      selection: { databases: [{ name: 'orders', children: ['items'] }] },
      disableTtl: true,
      disablePublicNetworkAccess: false,
      reason: 'ticket 1',
    });
    // A whole database wins over its containers.
    expect(buildRestoreInput(valid({ scope: 'selected', databases: ['orders'], children: ['orders/items'] }), s)).toMatchObject({ selection: { databases: [{ name: 'orders' }] } });
  });

  it('builds in-account and cluster requests', () => {
    const s = source();
    expect(buildRestoreInput({ ...valid(), kind: 'in-account', database: 'orders', child: 'archive' }, s)).toEqual({ kind: 'in-account', accountId: s.resourceId, database: 'orders', child: 'archive', timestamp: '2026-11-21T10:00:00.000Z', reason: 'ticket 1' });
    expect(buildRestoreInput({ ...valid(), kind: 'cluster' }, s)).toEqual({ kind: 'cluster', sourceResourceId: s.resourceId, targetName: 'orders-pitr', targetResourceGroup: 'rg-prod', timestamp: '2026-11-21T10:00:00.000Z', reason: 'ticket 1' });
  });

  it("maps the core's refusals to the wizard's fields", () => {
    expect(fieldOfError({ field: 'timestamp', windowStart: 'x' }, 'new-account')).toBe('timestamp');
    expect(fieldOfError({ field: 'targetName' }, 'new-account')).toBe('targetName');
    expect(fieldOfError({ field: 'selection' }, 'in-account')).toBe('database');
    expect(fieldOfError([{ path: ['reason'], message: 'must say why' }], 'cluster')).toBe('reason');
    expect(fieldOfError({ targetResourceId: 'x' }, 'new-account')).toBeNull();
    expect(fieldOfError(undefined, 'new-account')).toBeNull();
  });
});
