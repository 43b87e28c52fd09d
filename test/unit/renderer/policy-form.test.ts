import { describe, expect, it } from 'vitest';
import { policyInputSchema, policySchema, type Policy } from '../../../src-main/shared/policy.ts';
import { emptyPolicyForm, errorUnder, formFromPolicy, policyFromForm, stepOfField, validatePolicyForm } from '../../../src-renderer/src/logic/policy-form.ts';
import { hasOption, scopeOptions, toggleOption } from '../../../src-renderer/src/logic/policy-scope-options.ts';
import type { AzureResource } from '../../../src-renderer/src/logic/azure-resources.ts';

const SUB = '00000000-1111-4222-8333-444444444444';

describe('the policy wizard model', () => {
  it('a new form is invalid only for what the user must still choose, on the fields concerned', () => {
    const form = emptyPolicyForm('Europe/Berlin');
    const errors = validatePolicyForm(form);
    expect(errors.name).toBe('must not be empty');
    expect(errorUnder(errors, 'scope.include')).toMatch(/selects nothing/);
    expect(stepOfField('name')).toBe('general');
    expect(stepOfField('scope.include')).toBe('scope');
    expect(stepOfField('repositoryBackup.schedules.daily.keepDays')).toBe('protection');
    expect(stepOfField('healthCheck.time')).toBe('options');
    form.name = 'Nightly';
    form.includeAll = true;
    expect(validatePolicyForm(form)).toEqual({});
  });

  it('turns switched-off sections into null and keeps only enabled schedules; a stored policy round-trips', () => {
    const form = emptyPolicyForm('UTC');
    Object.assign(form, { name: 'Nightly', includeAll: false });
    form.include.subscriptions = [SUB];
    form.continuous.enabled = false;
    form.repository.enabled = true;
    form.repository.repositoryId = 'repo-1';
    form.repository.monthly.enabled = true;
    form.repository.monthly.dayOfMonth = 'first';
    form.repository.monthly.weekday = 'mon';
    const input = policyFromForm(form);
    expect(input.continuousBackup).toBeNull();
    expect(input.archive).toBeNull();
    expect(Object.keys(input.repositoryBackup!.schedules)).toEqual(['daily', 'monthly']);
    expect(input.repositoryBackup!.schedules.monthly).toMatchObject({ dayOfMonth: 'first', weekday: 'mon' });
    const parsed = policyInputSchema.parse(input);
    const stored: Policy = policySchema.parse({ ...parsed, id: 'p1', createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z' });
    expect(policyFromForm(formFromPolicy(stored, { timeZone: 'UTC' }))).toEqual({ ...input, id: 'p1' });
    // A clone has no id, a new name, and starts disabled.
    const clone = formFromPolicy(stored, { clone: true, timeZone: 'UTC' });
    expect(clone.id).toBeUndefined();
    expect(clone.name).toBe('Copy of Nightly');
    expect(clone.enabled).toBe(false);
  });

  it('offers subscriptions and resource groups by name and the tags the resources carry; toggles compare without case', () => {
    const resource = (name: string, group: string, tags: Record<string, string>, deleted = false): AzureResource => ({
      id: `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.DocumentDB/databaseAccounts/${name}`,
      subscriptionId: SUB,
      resourceGroup: group,
      name,
      kind: 'cosmosdb-account',
      api: 'Sql',
      location: 'westeurope',
      tags,
      properties: {},
      deleted,
      syncedAt: '2026-12-01T00:00:00Z',
    });
    const options = scopeOptions([resource('shop', 'rg-a', { env: 'prod' }), resource('blog', 'rg-b', { env: 'prod', team: 'web' }), resource('gone', 'rg-c', {}, true)], () => 'Production');
    expect(options.subscriptions).toEqual([{ id: SUB, label: 'Production' }]);
    expect(options.resourceGroups.map((g) => g.label)).toEqual(['rg-a (Production)', 'rg-b (Production)']);
    expect(options.tags.map((t) => t.label)).toEqual(['env = prod', 'team = web']);
    expect(options.resources.map((r) => r.label)).toEqual(['blog (rg-b)', 'shop (rg-a)']);
    const form = emptyPolicyForm('UTC');
    toggleOption(form.include, 'resourceGroups', { subscriptionId: SUB, name: 'rg-a' }, true);
    expect(hasOption(form.include, 'resourceGroups', { subscriptionId: SUB.toUpperCase(), name: 'RG-A' })).toBe(true);
    toggleOption(form.include, 'resourceGroups', { subscriptionId: SUB, name: 'RG-A' }, false);
    expect(form.include.resourceGroups).toEqual([]);
  });
});
