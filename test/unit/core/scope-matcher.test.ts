import { describe, expect, it } from 'vitest';
import { governingPolicy, scopeCovers, type ResourceFacts } from '../../../src-main/shared/scope-matcher.ts';
import { policySchema, type Policy } from '../../../src-main/shared/policy.ts';

const S1 = '11111111-1111-1111-1111-111111111111';
const S2 = '22222222-2222-2222-2222-222222222222';
const account = (over: Partial<ResourceFacts> = {}): ResourceFacts => ({
  id: `/subscriptions/${S1}/resourceGroups/RG-Prod/providers/Microsoft.DocumentDB/databaseAccounts/orders`,
  kind: 'cosmosdb-account',
  subscriptionId: S1,
  resourceGroup: 'RG-Prod',
  tags: { Env: 'prod', team: 'payments' },
  ...over,
});

function policy(name: string, scope: unknown, extra: Record<string, unknown> = {}): Policy {
  return policySchema.parse({
    id: name,
    name,
    scope,
    continuousBackup: { enabled: true, tier: 'Continuous7Days' },
    createdAt: 'x',
    updatedAt: 'x',
    ...extra,
  });
}

describe('policy scope', () => {
  it('include.all takes everything of the selected kinds', () => {
    expect(scopeCovers(policy('p', { include: { all: true } }).scope, account())).toBe(true);
    expect(scopeCovers(policy('p', { resourceKinds: ['postgres-cluster'], include: { all: true } }).scope, account())).toBe(false);
  });

  it('ANDs condition lists and ORs the items within a list, case-insensitively where Azure is', () => {
    const scope = policy('p', { include: { subscriptions: [S2, S1.toUpperCase()], resourceGroups: [{ subscriptionId: S1, name: 'rg-prod' }], tags: [{ name: 'env', value: 'prod' }] } }).scope;
    expect(scopeCovers(scope, account())).toBe(true);
    expect(scopeCovers(scope, account({ resourceGroup: 'rg-dev' }))).toBe(false);
    expect(scopeCovers(scope, account({ tags: { env: 'Prod' } }))).toBe(false); // tag values are case-sensitive
    expect(scopeCovers(scope, account({ tags: {} }))).toBe(false);
  });

  it('includes explicitly listed resources regardless of conditions', () => {
    const scope = policy('p', { include: { subscriptions: [S2], resources: [account().id.toLowerCase()] } }).scope;
    expect(scopeCovers(scope, account())).toBe(true);
  });

  it('lets exclusions win', () => {
    expect(scopeCovers(policy('p', { include: { all: true }, exclude: { resources: [account().id] } }).scope, account())).toBe(false);
    expect(scopeCovers(policy('p', { include: { resources: [account().id] }, exclude: { tags: [{ name: 'team' }] } }).scope, account())).toBe(false);
    expect(scopeCovers(policy('p', { include: { all: true }, exclude: { subscriptions: [S2] } }).scope, account())).toBe(true);
  });

  it('resolves the governing policy by priority, then name, ignoring disabled ones', () => {
    const low = policy('low', { include: { all: true } }, { priority: 10 });
    const high = policy('high', { include: { subscriptions: [S1] } }, { priority: 90 });
    const disabled = policy('disabled', { include: { all: true } }, { priority: 100, enabled: false });
    const other = policy('other-sub', { include: { subscriptions: [S2] } }, { priority: 99 });
    const result = governingPolicy([low, high, disabled, other], account());
    expect(result?.policy.name).toBe('high');
    expect(result?.overridden.map((p) => p.name)).toEqual(['low']);
    const tieA = policy('a', { include: { all: true } }, { priority: 50 });
    const tieB = policy('b', { include: { all: true } }, { priority: 50 });
    expect(governingPolicy([tieB, tieA], account())?.policy.name).toBe('a');
    expect(governingPolicy([other, disabled], account())).toBeNull();
  });
});
