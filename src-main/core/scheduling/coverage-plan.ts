import type { Policy } from '../../shared/policy.ts';
import type { ResourceFacts } from '../../shared/scope-matcher.ts';
import { governingPolicy } from '../../shared/scope-matcher.ts';
import { upcomingRuns, type PlannedRun } from './policy-plan.ts';

/** What one policy covers and when it runs next. */
export interface PolicyCoverage {
  policyId: string;
  /** Ids of the resources this policy governs (it covers them and no higher-priority policy does). */
  resourceIds: string[];
  nextRuns: PlannedRun[];
}

/**
 * The whole plan at once: which policy governs each resource (scope rules, exclusions win, highest
 * priority wins), and each policy's next runs — computed once per policy, not once per resource,
 * since every resource of a policy runs on the policy's schedule.
 */
export function planCoverage(resources: readonly ResourceFacts[], policies: readonly Policy[], nowMs: number, runsPerPolicy = 3): PolicyCoverage[] {
  const enabled = policies.filter((policy) => policy.enabled);
  const byPolicy = new Map<string, PolicyCoverage>(enabled.map((policy) => [policy.id, { policyId: policy.id, resourceIds: [], nextRuns: policy.repositoryBackup ? upcomingRuns(policy, nowMs, runsPerPolicy) : [] }]));
  for (const resource of resources) {
    const governing = governingPolicy(enabled, resource);
    if (governing) byPolicy.get(governing.policy.id)!.resourceIds.push(resource.id);
  }
  return [...byPolicy.values()];
}
