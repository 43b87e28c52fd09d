import { describe, expect, it } from 'vitest';
import { checkAccountName, checkRegion, checkSelection, checkTimestamp } from '../../../src-main/azure/pitr/validation.ts';

const window = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-08T00:00:00Z') };

describe('point-in-time restore validation', () => {
  it('accepts 3–44 lower-case letters, digits and inner hyphens only', () => {
    for (const ok of ['abc', 'orders-restored-1', 'a'.repeat(44)]) expect(() => checkAccountName(ok)).not.toThrow();
    for (const bad of ['ab', 'a'.repeat(45), 'Orders', 'with_underscore', '-start', 'end-']) expect(() => checkAccountName(bad)).toThrow(/not a valid Cosmos DB account name/);
  });

  it('keeps a safety margin inside the window, except at a deleted account’s end', () => {
    const margin = 10 * 60_000;
    expect(() => checkTimestamp(new Date('2026-01-01T00:05:00Z'), window, margin, false)).toThrow(/choose between 2026-01-01T00:10:00.000Z and 2026-01-07T23:50:00.000Z/);
    expect(() => checkTimestamp(new Date('2026-01-07T23:55:00Z'), window, margin, false)).toThrow(/outside the restorable window/);
    expect(() => checkTimestamp(new Date('2026-01-07T23:55:00Z'), window, margin, true)).not.toThrow();
    expect(() => checkTimestamp(new Date('invalid'), window, margin, false)).toThrow(/not a valid date/);
  });

  it('allows only the source’s restorable regions, in either spelling', () => {
    expect(checkRegion('westus', ['West US', 'East US'])).toBe('West US');
    expect(() => checkRegion('North Europe', ['West US'])).toThrow(/can only be restored to West US/);
  });

  it('names every selected resource that did not exist at the time', () => {
    const existing = { databases: [{ name: 'orders', children: ['items'] }], tables: ['events'] };
    expect(() => checkSelection({ databases: [{ name: 'orders', children: ['items'] }], tables: ['events'] }, existing, window.end, 'container')).not.toThrow();
    expect(() => checkSelection({ databases: [{ name: 'orders', children: ['items', 'archive'] }, { name: 'legacy' }], tables: ['audit'] }, existing, window.end, 'container')).toThrow(
      /container "orders\/archive" did not exist .*; database "legacy" did not exist .*; table "audit" did not exist/,
    );
  });
});
