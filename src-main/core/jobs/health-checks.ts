import type { Policy } from '../../shared/policy.ts';
import type { Session } from '../../shared/session.ts';
import { AppError } from '../../shared/errors.ts';
import type { PolicyService } from '../policies/policy-service.ts';
import type { RepositoryCatalog } from '../repositories/repository-catalog.ts';
import { repoCheck, type RepositoryOperationDeps } from '../repositories/repository-operations.ts';
import type { SessionManager } from '../sessions/session-manager.ts';

export interface HealthChecksDeps extends RepositoryOperationDeps {
  readonly sessions: SessionManager;
  readonly policies: PolicyService;
  readonly catalog: RepositoryCatalog;
  /** Share of the packs whose bytes each run reads, in percent (setting healthCheckSamplePercent). */
  readonly samplePercent: () => number;
}

const WEEK_MS = 7 * 86_400_000;

/** Which share of the packs a run at `at` reads: consecutive weeks read consecutive shares, so every byte is read once per cycle. */
export function healthCheckShare(at: Date, samplePercent: number): { part: number; parts: number } {
  const parts = Math.max(1, Math.round(100 / Math.min(100, Math.max(1, samplePercent))));
  return { part: Math.floor(at.getTime() / WEEK_MS) % parts, parts };
}

/**
 * A policy's health check, as its own session with a task per repository the policy writes to:
 * the structure of each is checked, and the bytes of a rotating share of its packs are read and
 * verified (default 10 %: every byte over ten runs). Archive repositories are checked for
 * structure only (their data is offline).
 */
export class HealthChecks {
  private readonly deps: HealthChecksDeps;

  constructor(deps: HealthChecksDeps) {
    this.deps = deps;
  }

  start(policyId: string, at: Date): Session {
    const policy = this.deps.policies.get(policyId);
    const share = healthCheckShare(at, this.deps.samplePercent());
    return this.deps.sessions.start({ kind: 'health-check', title: `Health check of policy "${policy.name}"`, policyId: policy.id }, async (ctx) => {
      const targets = this.repositoriesOf(policy);
      if (!targets.length) throw new AppError('validation_failed', `Policy "${policy.name}" writes to no catalogued repository: nothing to check.`);
      ctx.info(`Checking ${targets.map((t) => `"${t.name}"`).join(', ')}; this run reads the data of share ${share.part + 1} of ${share.parts} of the packs.`);
      let healthy = 0;
      for (const target of targets) {
        ctx.throwIfCanceled();
        let access;
        try {
          access = await this.deps.catalog.accessFor(target.id);
        } catch (error) {
          ctx.error(`"${target.name}": ${(error as Error).message}`);
          continue;
        }
        const started = repoCheck(this.deps, access, { readData: false, ...(target.isArchive ? {} : { share }), parentId: ctx.sessionId, policyId: policy.id });
        const run = await started.finished;
        if (run.result?.ok) {
          healthy++;
          ctx.info(`"${target.name}" is healthy: ${run.result.packCount} packs${target.isArchive ? ' (archive: structure only)' : ''}.`);
        } else ctx.error(`"${target.name}": ${run.result ? `${run.result.problems.length} problem(s), ${run.result.affectedRestorePoints.length} damaged restore point(s)` : (run.session.summary ?? run.session.status)}; see its task.`);
      }
      return { summary: `${healthy} of ${targets.length} repositor${targets.length === 1 ? 'y' : 'ies'} healthy.` };
    });
  }

  private repositoriesOf(policy: Policy) {
    return [policy.repositoryBackup?.repositoryId, policy.archive?.repositoryId].flatMap((id) => (id ? [this.deps.catalog.find(id)].filter((r) => r !== undefined) : []));
  }
}
