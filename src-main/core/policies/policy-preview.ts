import { policyScopeSchema, type Policy } from '../../shared/policy.ts';
import type { PolicyPreview } from '../../shared/contract.ts';
import type { InventoryStore } from '../config-db/inventory-store.ts';
import { describeZodIssues } from '../../shared/errors.ts';
import { governingPolicy, scopeCovers } from '../../shared/scope-matcher.ts';

/**
 * What a policy being written would cover, against the synced inventory: every live resource its
 * scope takes, and for each whether this policy would govern it or which other enabled policy wins
 * by priority. Only the scope (and priority, name, enabled) need to be valid, so the preview follows
 * the wizard from its first step.
 */
export function previewPolicyCoverage(draft: unknown, deps: { policies: readonly Policy[]; inventory: InventoryStore }): PolicyPreview {
  const input = (draft ?? {}) as Record<string, unknown>;
  const scope = policyScopeSchema.safeParse(input.scope);
  if (!scope.success) return { resources: [], issues: describeZodIssues(scope.error).map((issue) => ({ ...issue, path: issue.path === '(root)' ? 'scope' : `scope.${issue.path}` })) };
  const id = typeof input.id === 'string' && input.id ? input.id : '\u0000draft';
  const candidate = {
    id,
    name: typeof input.name === 'string' && input.name.trim() ? input.name.trim() : 'This policy',
    enabled: true,
    priority: typeof input.priority === 'number' ? input.priority : 50,
    scope: scope.data,
  } as Policy;
  const others = deps.policies.filter((policy) => policy.id !== id && policy.enabled);
  const subscriptions = new Map(deps.inventory.listSubscriptions().map((s) => [s.id.toLowerCase(), s.displayName]));
  const resources = deps.inventory
    .listResources()
    .filter((resource) => scopeCovers(candidate.scope, resource))
    .map((resource) => {
      const winner = governingPolicy([...others, candidate], resource)?.policy;
      return {
        id: resource.id,
        name: resource.name,
        kind: resource.kind,
        subscriptionId: resource.subscriptionId,
        subscriptionName: subscriptions.get(resource.subscriptionId.toLowerCase()) ?? null,
        resourceGroup: resource.resourceGroup,
        location: resource.location,
        governedBy: winner && winner.id !== id ? { id: winner.id, name: winner.name, priority: winner.priority } : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { resources, issues: [] };
}
