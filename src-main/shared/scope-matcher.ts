import type { Policy, ResourceKind } from './policy.ts';

/** What scope matching needs to know about a resource. */
export interface ResourceFacts {
  /** Full ARM resource id. */
  id: string;
  kind: ResourceKind;
  subscriptionId: string;
  resourceGroup: string;
  tags: Record<string, string>;
}

// ARM ids, subscription ids, resource group names and tag names are case-insensitive in Azure;
// tag values are not.
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function tagMatches(tags: Record<string, string>, condition: { name: string; value?: string }): boolean {
  const entry = Object.entries(tags).find(([name]) => same(name, condition.name));
  return entry !== undefined && (condition.value === undefined || entry[1] === condition.value);
}

type Selection = Policy['scope']['exclude'];

function listed(selection: Selection, resource: ResourceFacts): boolean {
  return selection.resources.some((id) => same(id, resource.id));
}

/** Every non-empty condition list holds (lists AND-ed, items within a list OR-ed). */
function meetsConditions(selection: Selection, resource: ResourceFacts): boolean {
  const lists = [
    selection.subscriptions.length ? selection.subscriptions.some((s) => same(s, resource.subscriptionId)) : null,
    selection.resourceGroups.length
      ? selection.resourceGroups.some((g) => same(g.subscriptionId, resource.subscriptionId) && same(g.name, resource.resourceGroup))
      : null,
    selection.tags.length ? selection.tags.some((t) => tagMatches(resource.tags, t)) : null,
  ].filter((result) => result !== null);
  return lists.length > 0 && lists.every(Boolean);
}

/** Whether a policy's scope covers a resource (enabled or not). Exclusions win. */
export function scopeCovers(scope: Policy['scope'], resource: ResourceFacts): boolean {
  if (!scope.resourceKinds.includes(resource.kind)) return false;
  const { include, exclude } = scope;
  const included = include.all || listed(include, resource) || meetsConditions(include, resource);
  if (!included) return false;
  return !(listed(exclude, resource) || meetsConditions(exclude, resource));
}

/** The outcome of resolving which policy governs a resource. */
export interface GoverningPolicy {
  policy: Policy;
  /** Other enabled policies that also cover the resource (lower priority, or equal and later by name). */
  overridden: Policy[];
}

/**
 * Picks the enabled policy that handles a resource: the highest priority among those covering it;
 * equal priorities are broken by name so the choice is stable. Null when none covers it.
 */
export function governingPolicy(policies: readonly Policy[], resource: ResourceFacts): GoverningPolicy | null {
  const covering = policies
    .filter((p) => p.enabled && scopeCovers(p.scope, resource))
    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  return covering.length ? { policy: covering[0]!, overridden: covering.slice(1) } : null;
}
