import type { ResourceKind } from '../../../src-main/shared/policy.ts';
import type { AzureResource } from './azure-resources.ts';
import type { ScopeLists } from './policy-form.ts';

/**
 * What the policy wizard's scope picker offers, from the synced inventory: subscriptions and
 * resource groups by name, the tags the resources carry, and the resources themselves. Pure.
 */
export interface ScopeOptions {
  subscriptions: { id: string; label: string }[];
  resourceGroups: { subscriptionId: string; name: string; label: string }[];
  tags: { name: string; value: string; label: string }[];
  resources: { id: string; label: string; kind: ResourceKind }[];
}

const byLabel = <T extends { label: string }>(a: T, b: T) => a.label.localeCompare(b.label);

export function scopeOptions(resources: readonly AzureResource[], subscriptionName: (id: string) => string): ScopeOptions {
  const live = resources.filter((resource) => !resource.deleted);
  const subscriptions = new Map<string, { id: string; label: string }>();
  const groups = new Map<string, { subscriptionId: string; name: string; label: string }>();
  const tags = new Map<string, { name: string; value: string; label: string }>();
  for (const resource of live) {
    subscriptions.set(resource.subscriptionId.toLowerCase(), { id: resource.subscriptionId, label: subscriptionName(resource.subscriptionId) });
    groups.set(`${resource.subscriptionId}/${resource.resourceGroup}`.toLowerCase(), { subscriptionId: resource.subscriptionId, name: resource.resourceGroup, label: `${resource.resourceGroup} (${subscriptionName(resource.subscriptionId)})` });
    for (const [name, value] of Object.entries(resource.tags)) tags.set(`${name.toLowerCase()}=${value}`, { name, value, label: `${name} = ${value}` });
  }
  return {
    subscriptions: [...subscriptions.values()].sort(byLabel),
    resourceGroups: [...groups.values()].sort(byLabel),
    tags: [...tags.values()].sort(byLabel),
    resources: live.map((resource) => ({ id: resource.id, kind: resource.kind, label: `${resource.name} (${resource.resourceGroup})` })).sort(byLabel),
  };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a scope list holds an option (ids, group and tag names compare without case). */
export function hasOption(lists: ScopeLists, list: keyof ScopeLists, option: { id?: string; subscriptionId?: string; name?: string; value?: string }): boolean {
  switch (list) {
    case 'subscriptions':
      return lists.subscriptions.some((id) => same(id, option.id!));
    case 'resources':
      return lists.resources.some((id) => same(id, option.id!));
    case 'resourceGroups':
      return lists.resourceGroups.some((g) => same(g.subscriptionId, option.subscriptionId!) && same(g.name, option.name!));
    case 'tags':
      return lists.tags.some((t) => same(t.name, option.name!) && t.value === option.value);
  }
}

/** Adds or removes an option from a scope list (in place, for the wizard's reactive form). */
export function toggleOption(lists: ScopeLists, list: keyof ScopeLists, option: { id?: string; subscriptionId?: string; name?: string; value?: string }, on: boolean): void {
  const present = hasOption(lists, list, option);
  if (on === present) return;
  switch (list) {
    case 'subscriptions':
      lists.subscriptions = on ? [...lists.subscriptions, option.id!] : lists.subscriptions.filter((id) => !same(id, option.id!));
      return;
    case 'resources':
      lists.resources = on ? [...lists.resources, option.id!] : lists.resources.filter((id) => !same(id, option.id!));
      return;
    case 'resourceGroups':
      lists.resourceGroups = on ? [...lists.resourceGroups, { subscriptionId: option.subscriptionId!, name: option.name! }] : lists.resourceGroups.filter((g) => !(same(g.subscriptionId, option.subscriptionId!) && same(g.name, option.name!)));
      return;
    case 'tags':
      lists.tags = on ? [...lists.tags, { name: option.name!, value: option.value }] : lists.tags.filter((t) => !(same(t.name, option.name!) && t.value === option.value));
      return;
  }
}
