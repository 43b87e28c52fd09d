import type { Policy } from '../../shared/policy.ts';
import type { Session } from '../../shared/session.ts';
import { AppError } from '../../shared/errors.ts';
import type { PolicyService } from '../policies/policy-service.ts';
import type { RepositoryCatalog } from '../repositories/repository-catalog.ts';
import { repoCheck, type RepositoryOperationDeps } from '../repositories/repository-operations.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { SessionContext } from '../sessions/session-context.ts';
import type { WorkerJobs } from './worker-jobs.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HealthChecksDeps extends RepositoryOperationDeps {
  readonly sessions: SessionManager;
  readonly policies: PolicyService;
  readonly catalog: RepositoryCatalog;
  /** Runs the test restore (into a scratch folder, then removed). */
  readonly workerJobs: WorkerJobs;
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
      let restored = '';
      if (policy.healthCheck.testRestore && policy.repositoryBackup) restored = await this.testRestore(policy.repositoryBackup.repositoryId, at, ctx);
      return { summary: `${healthy} of ${targets.length} repositor${targets.length === 1 ? 'y' : 'ies'} healthy.${restored}` };
    });
  }

  /**
   * Restores the newest restore point of one resource (a different one each week) into a scratch
   * folder on a worker, compares the rows written with the rows the manifest counted, and removes
   * the folder. Returns a sentence for the summary.
   */
  private async testRestore(repositoryId: string, at: Date, ctx: SessionContext): Promise<string> {
    const points = this.deps.restorePoints.list({ repositoryId, kind: 'repository', limit: 100_000 });
    const resources = [...new Set(points.map((p) => p.resourceId))].sort();
    if (!resources.length) {
      ctx.warn('Test restore: the repository has no restore point yet.');
      return ' No test restore: no restore point yet.';
    }
    const resourceId = resources[Math.floor(at.getTime() / WEEK_MS) % resources.length]!;
    const point = points.find((p) => p.resourceId === resourceId)!; // newest first
    const name = String(point.metadata.resourceName ?? resourceId);
    const entries = (point.metadata.entries as { counts?: { rows?: number } | null }[] | undefined) ?? [];
    const expectedRows = entries.reduce((sum, entry) => sum + (entry.counts?.rows ?? 0), 0);
    const scratch = await mkdtemp(join(tmpdir(), 'cosmos-backup-test-restore-'));
    try {
      ctx.info(`Test restore of ${name} at ${point.pointTime} into a scratch folder.`);
      const started = await this.deps.workerJobs.startRestore({ repository: { ref: repositoryId }, restorePointId: point.id, target: { kind: 'folder', path: join(scratch, 'restore') }, parentSessionId: ctx.sessionId });
      const { session, outcome } = await started.finished;
      if (!outcome) {
        ctx.error(`Test restore of ${name} failed: ${session.summary ?? session.status}`);
        return ` Test restore of ${name} failed.`;
      }
      const rows = outcome.databases.reduce((sum, database) => sum + database.rows, 0);
      if (rows !== expectedRows) {
        ctx.error(`Test restore of ${name}: ${rows} rows written, the manifest counted ${expectedRows}.`);
        return ` Test restore of ${name}: row counts differ.`;
      }
      ctx.info(`Test restore of ${name}: ${rows} rows, as the manifest counted.`);
      return ` Test restore of ${name}: ${rows} rows verified.`;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private repositoriesOf(policy: Policy) {
    return [policy.repositoryBackup?.repositoryId, policy.archive?.repositoryId].flatMap((id) => (id ? [this.deps.catalog.find(id)].filter((r) => r !== undefined) : []));
  }
}
