import type { Policy, ResourceKind } from '../../../src-main/shared/policy.ts';

/**
 * Which policy governs a resource, decided the way the core decides it (scope matching with
 * exclusions winning; the highest priority wins, ties broken by name), so the Resources view can
 * name the governing policy without a round trip.
 */

/** What scope matching needs to know about a resource. */
export interface ScopedResource {
  id: string;
  kind: ResourceKind;
  subscriptionId: string;
  resourceGroup: string;
  tags: Record<string, string>;
}

type Selection = Policy['scope']['exclude'];

// ARM ids, subscription ids, resource groups and tag names are case-insensitive; tag values are not.
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function meetsConditions(selection: Selection, resource: ScopedResource): boolean {
  const lists = [
    selection.subscriptions.length ? selection.subscriptions.some((s) => same(s, resource.subscriptionId)) : null,
    selection.resourceGroups.length ? selection.resourceGroups.some((g) => same(g.subscriptionId, resource.subscriptionId) && same(g.name, resource.resourceGroup)) : null,
    selection.tags.length ? selection.tags.some((t) => Object.entries(resource.tags).some(([name, value]) => same(name, t.name) && (t.value === undefined || value === t.value))) : null,
  ].filter((result) => result !== null);
  return lists.length > 0 && lists.every(Boolean);
}

/** Whether a policy's scope covers a resource. Exclusions win. */
export function scopeCovers(scope: Policy['scope'], resource: ScopedResource): boolean {
  if (!scope.resourceKinds.includes(resource.kind)) return false;
  const listed = (selection: Selection) => selection.resources.some((id) => same(id, resource.id));
  const included = scope.include.all || listed(scope.include) || meetsConditions(scope.include, resource);
  return included && !(listed(scope.exclude) || meetsConditions(scope.exclude, resource));
}

/** The enabled policy that handles a resource, or null when none covers it. */
export function governingPolicy(policies: readonly Policy[], resource: ScopedResource): Policy | null {
  const covering = policies.filter((p) => p.enabled && scopeCovers(p.scope, resource)).sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  return covering[0] ?? null;
}
