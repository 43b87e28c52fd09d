import { setTimeout as sleep } from 'node:timers/promises';
import type { RetentionPolicy } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import { formatBytes } from '../../shared/format-units.ts';
import type { Policy, ScheduleName } from '../../shared/policy.ts';
import { isFinalStatus, type Session } from '../../shared/session.ts';
import type { Clock } from '../clock.ts';
import type { InventoryStore, ProtectedResourceRecord } from '../config-db/inventory-store.ts';
import { governingPolicy } from '../../shared/scope-matcher.ts';
import type { PolicyService } from '../policies/policy-service.ts';
import type { RepositoryCatalog } from '../repositories/repository-catalog.ts';
import type { SessionContext } from '../sessions/session-context.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { RepositoryJobs } from './repository-jobs.ts';
import type { ResourceLogins } from './resource-logins.ts';
import { isRepositoryBackedUp, loginComesFromArm } from './resource-source.ts';
import type { WorkerJobs } from './worker-jobs.ts';

/** Resource kinds a policy run backs up into its repository (MongoDB joins with its engine). */

export interface PolicyRunRequest {
  policyId: string;
  /** The schedules this run satisfies (its restore points carry these GFS flags). */
  schedules: ScheduleName[];
  /** The scheduled time it stands for (absent for "run now"). */
  dueAt?: Date;
  /** Set when the run stands for several runs missed while the app was closed or asleep. */
  catchUp?: { missed: number; firstDueAt: Date };
}

export interface PolicyRunsDeps {
  readonly sessions: SessionManager;
  readonly policies: PolicyService;
  readonly inventory: Pick<InventoryStore, 'listResources'>;
  readonly catalog: RepositoryCatalog;
  readonly workerJobs: WorkerJobs;
  readonly repositoryJobs: RepositoryJobs;
  readonly logins: ResourceLogins;
  readonly clock: Clock;
  /** Resources backed up at once per region when a policy says nothing (default 2). */
  readonly parallelism?: number;
  /** How long a retry waits, from the policy's minutes (tests shorten it). */
  readonly retryDelayMs?: (minutes: number) => number;
}

type TaskResult = { resource: ProtectedResourceRecord; status: 'succeeded' | 'failed' | 'skipped'; attempts: number; restorePointId?: string };

/** The retention rules of a policy's schedules: how many days, weeks, months and years to keep. */
export function retentionOf(policy: Policy): Omit<RetentionPolicy, 'resourceId'> {
  const schedules = policy.repositoryBackup?.schedules;
  return {
    ...(schedules?.daily?.enabled ? { daily: schedules.daily.keepDays } : {}),
    ...(schedules?.weekly?.enabled ? { weekly: schedules.weekly.keepWeeks } : {}),
    ...(schedules?.monthly?.enabled ? { monthly: schedules.monthly.keepMonths } : {}),
    ...(schedules?.yearly?.enabled ? { yearly: schedules.yearly.keepYears } : {}),
  };
}

/**
 * A policy run, the unit an admin looks at: one parent session, one backup task (a child session)
 * per resource the policy governs at run time, retries of the resources that failed, then retention
 * of the policy's repository. The parent ends succeeded, warning (some resources failed or were
 * skipped) or failed (none was backed up). It builds no job itself: backups go through WorkerJobs,
 * retention through RepositoryJobs.
 */
export class PolicyRuns {
  private readonly deps: PolicyRunsDeps;
  /** Running parent session per policy: two runs of one policy never overlap. */
  private readonly running = new Map<string, string>();

  constructor(deps: PolicyRunsDeps) {
    this.deps = deps;
  }

  /** The session of the policy's run in progress, if any. */
  runningSession(policyId: string): string | undefined {
    const id = this.running.get(policyId);
    if (id && !isFinalStatus(this.deps.sessions.get(id).status)) return id;
    this.running.delete(policyId);
    return undefined;
  }

  /** Starts a run; refuses when one of the same policy is still going. */
  start(request: PolicyRunRequest): Session {
    const policy = this.deps.policies.get(request.policyId);
    const busy = this.runningSession(policy.id);
    if (busy) throw new AppError('conflict', `Policy "${policy.name}" is still running (session ${busy}); runs of one policy never overlap.`);
    const what = request.schedules.length ? request.schedules.join(' + ') : 'run now';
    const title = `Policy "${policy.name}" (${what}${request.catchUp ? ', catch-up' : ''})`;
    const session = this.deps.sessions.start({ kind: 'policy', title, policyId: policy.id }, (ctx) => this.run(policy, request, ctx));
    this.running.set(policy.id, session.id);
    return session;
  }

  private async run(policy: Policy, request: PolicyRunRequest, ctx: SessionContext): Promise<{ summary: string }> {
    if (request.catchUp) {
      ctx.info(`Catch-up run: ${request.catchUp.missed} scheduled run(s) were missed since ${request.catchUp.firstDueAt.toISOString()} (the app was closed or asleep); they run once now.`);
    }
    if (request.dueAt) ctx.info(`Scheduled for ${request.dueAt.toISOString()}; restore points get the flags ${request.schedules.join(', ') || 'none'}.`);
    if (!policy.enabled) ctx.info(`Policy "${policy.name}" is disabled: this run was started by hand; its schedules stay off.`);
    const backup = policy.repositoryBackup;
    if (!backup) throw new AppError('validation_failed', `Policy "${policy.name}" has no repository backup to run.`);
    const repository = this.deps.catalog.find(backup.repositoryId);
    if (!repository) throw new AppError('not_found', `The repository of policy "${policy.name}" (${backup.repositoryId}) is not in the catalog any more: add it again or edit the policy.`);
    if (repository.encrypted && !(await this.deps.catalog.hasRememberedPassword(repository.id))) {
      throw new AppError('unauthorized', `The password of repository "${repository.name}" is not remembered, so scheduled backups cannot open it: add the repository again with its password remembered.`);
    }
    const all = this.deps.policies.list();
    const inScope = this.deps.inventory.listResources().filter((r) => !r.deleted && isRepositoryBackedUp(r) && governingPolicy(all, r)?.policy.id === policy.id);
    if (!inScope.length) {
      ctx.warn(`The scope of policy "${policy.name}" matches no Cosmos DB for PostgreSQL cluster, MongoDB vCore cluster or Cosmos DB for MongoDB account it governs in the inventory (as of the last Azure sync); nothing to back up.`);
      return { summary: 'No resource in scope.' };
    }
    ctx.info(`${inScope.length} resource(s) in scope: ${inScope.map((r) => r.name).join(', ')}. Repository: "${repository.name}".`);
    const gfs = Object.fromEntries(request.schedules.map((name) => [name, true]));
    const results = await this.eachResource(inScope, policy.parallelism ?? this.deps.parallelism ?? 2, (resource) => this.backupResource(policy, repository.id, resource, gfs, ctx), ctx);
    const done = results.filter((r) => r.status === 'succeeded');
    await this.archive(policy, repository.id, request.schedules, done, ctx);
    await this.applyRetention(policy, repository.id, done.map((r) => r.resource), ctx);
    const failed = results.filter((r) => r.status === 'failed').map((r) => r.resource.name);
    const skipped = results.filter((r) => r.status === 'skipped').map((r) => r.resource.name);
    const summary = `${done.length} of ${results.length} resource(s) backed up${failed.length ? `; failed: ${failed.join(', ')}` : ''}${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}.`;
    if (!done.length) throw new AppError('unavailable', summary);
    if (failed.length || skipped.length) ctx.warn(summary);
    return { summary };
  }

  /**
   * Runs `task` for each resource, at most `parallelism` at once per Azure region (workers run in
   * the source's region, so regions do not compete); cancel stops starting new ones.
   */
  private async eachResource(resources: ProtectedResourceRecord[], limit: number, task: (resource: ProtectedResourceRecord) => Promise<TaskResult>, ctx: SessionContext): Promise<TaskResult[]> {
    const results: TaskResult[] = [];
    const byRegion = new Map<string, ProtectedResourceRecord[]>();
    for (const resource of resources) byRegion.set(resource.location.toLowerCase(), [...(byRegion.get(resource.location.toLowerCase()) ?? []), resource]);
    await Promise.all(
      [...byRegion.values()].map(async (queue) => {
        let next = 0;
        const worker = async () => {
          while (next < queue.length && !ctx.signal.aborted) results.push(await task(queue[next++]!));
        };
        await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
      }),
    );
    ctx.throwIfCanceled();
    return results;
  }

  /** One resource: its backup as a child session, retried per the policy. */
  private async backupResource(policy: Policy, repositoryId: string, resource: ProtectedResourceRecord, gfs: Record<string, boolean>, ctx: SessionContext): Promise<TaskResult> {
    const login = loginComesFromArm(resource) ? { user: undefined, password: undefined } : await this.deps.logins.get(resource.id);
    if (!login) {
      const user = resource.kind === 'postgres-cluster' ? 'citus' : 'NAME';
      ctx.warn(`${resource.name}: no database login is set, so it was skipped. Set one: cosmos-backup resource-login set "${resource.id}" --user ${user} (the password is asked for and kept encrypted).`);
      return { resource, status: 'skipped', attempts: 0 };
    }
    const retries = policy.retries.count;
    for (let attempt = 0; ; attempt++) {
      let child: Session;
      let restorePointId: string | undefined;
      try {
        const started = await this.deps.workerJobs.startBackup({
          repository: { ref: repositoryId },
          source: { resourceId: resource.id, user: login.user, password: login.password },
          policy: { id: policy.id, name: policy.name },
          gfs,
          parentSessionId: ctx.sessionId,
        });
        const onCancel = () => this.deps.sessions.cancel(started.session.id);
        ctx.signal.addEventListener('abort', onCancel, { once: true });
        const finished = await started.finished;
        child = finished.session;
        restorePointId = finished.outcome?.restorePointId;
        ctx.signal.removeEventListener('abort', onCancel);
      } catch (error) {
        ctx.error(`${resource.name}: the backup could not start: ${(error as Error).message}`);
        return { resource, status: 'failed', attempts: attempt + 1 };
      }
      if (child.status === 'succeeded' || child.status === 'warning') {
        ctx.info(`${resource.name}: backed up${attempt ? ` on retry ${attempt} of ${retries}` : ''} (${child.summary ?? child.status}).`);
        return { resource, status: 'succeeded', attempts: attempt + 1, restorePointId };
      }
      if (ctx.signal.aborted || child.status === 'canceled') return { resource, status: 'failed', attempts: attempt + 1 };
      if (attempt >= retries) {
        ctx.error(`${resource.name}: the backup failed${retries ? ` after ${retries} retr${retries === 1 ? 'y' : 'ies'}` : ''}: ${child.summary ?? child.status}`);
        return { resource, status: 'failed', attempts: attempt + 1 };
      }
      const minutes = policy.retries.intervalMinutes;
      ctx.info(`${resource.name}: the backup failed (${child.summary ?? child.status}); retry ${attempt + 1} of ${retries} in ${minutes} min.`);
      await sleep(this.deps.retryDelayMs?.(minutes) ?? minutes * 60_000, undefined, { signal: ctx.signal }).catch(() => undefined);
      ctx.throwIfCanceled();
    }
  }

  /**
   * Archive copies: the new restore points of the schedules the policy archives are copied,
   * self-contained, into the archive repository (data in the Archive tier), each as a child
   * session; then the archive's own long-term retention applies per resource.
   */
  private async archive(policy: Policy, repositoryId: string, schedules: ScheduleName[], done: TaskResult[], ctx: SessionContext): Promise<void> {
    const archive = policy.archive;
    if (!archive || !schedules.some((name) => archive.fromSchedules.includes(name))) return;
    const target = this.deps.catalog.find(archive.repositoryId);
    if (!target) {
      ctx.warn(`The archive repository of policy "${policy.name}" (${archive.repositoryId}) is not in the catalog: no archive copy was made.`);
      return;
    }
    for (const task of done) {
      if (!task.restorePointId) continue;
      try {
        const started = await this.deps.repositoryJobs.copy({ source: { ref: repositoryId }, target: { ref: target.id }, restorePointId: task.restorePointId, archive: true, parentSessionId: ctx.sessionId });
        const run = await started.finished;
        if (run.session.status === 'failed') ctx.warn(`Archive copy of ${task.resource.name}: ${run.session.summary ?? 'failed'}`);
        else ctx.info(`Archive copy of ${task.resource.name} is in "${target.name}".`);
      } catch (error) {
        ctx.warn(`Archive copy of ${task.resource.name} could not start: ${(error as Error).message}`);
      }
    }
    // Archives expire by age: every copy made within the retention before the newest one stays.
    const rules = { withinDays: Math.round(archive.retention.value * (archive.retention.unit === 'years' ? 365.25 : 30.44)) };
    for (const task of done) {
      const started = await this.deps.repositoryJobs.forget({ repository: { ref: target.id }, policy: { ...rules, resourceId: task.resource.id }, dryRun: false, parentSessionId: ctx.sessionId, resourceName: `${task.resource.name} (archive)` });
      const run = await started.finished;
      if (run.session.status === 'failed') ctx.warn(`Archive retention of ${task.resource.name}: ${run.session.summary ?? 'failed'}`);
    }
  }

  /**
   * Retention of the backed-up resources' restore points, each a child session (never a resource's
   * last point), then one prune of the repository when anything was forgotten.
   */
  private async applyRetention(policy: Policy, repositoryId: string, resources: ProtectedResourceRecord[], ctx: SessionContext): Promise<void> {
    const rules = retentionOf(policy);
    if (!resources.length || !Object.keys(rules).length) return;
    let forgotten = 0;
    for (const resource of resources) {
      const started = await this.deps.repositoryJobs.forget({ repository: { ref: repositoryId }, policy: { ...rules, resourceId: resource.id }, dryRun: false, parentSessionId: ctx.sessionId, resourceName: resource.name });
      const run = await started.finished;
      if (run.session.status === 'failed') ctx.warn(`Retention of ${resource.name}: ${run.session.summary ?? 'failed'}`);
      else if (run.result) {
        forgotten += run.result.forget.length;
        ctx.info(`Retention of ${resource.name}: ${run.result.forget.length} restore point(s) forgotten, ${run.result.keep.length} kept.`);
      }
    }
    if (!forgotten) return;
    const pruned = await (await this.deps.repositoryJobs.prune({ repository: { ref: repositoryId }, dryRun: false, parentSessionId: ctx.sessionId })).finished;
    if (pruned.session.status === 'failed') ctx.warn(`Prune after retention: ${pruned.session.summary ?? 'failed'}; the data of forgotten points stays until the next prune.`);
    else if (pruned.result) ctx.info(`Prune after retention freed about ${formatBytes(pruned.result.bytesFreed)}.`);
  }
}
