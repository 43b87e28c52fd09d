import type { Policy, ScheduleName } from '../../shared/policy.ts';
import type { Session } from '../../shared/session.ts';
import type { Clock } from '../clock.ts';
import type { PolicyScheduleState, PolicyScheduleStore } from '../config-db/policy-schedule-store.ts';
import type { PolicyRunRequest } from '../jobs/policy-runs.ts';
import { nextRun, runsBetween, upcomingRuns, type PlannedRun } from './policy-plan.ts';

/** A run starts on time when it starts within this long after it was due; later it is a catch-up. */
const ON_TIME_MS = 5 * 60_000;
/** Missed runs counted back at most this far (a policy's whole missed history is not planned). */
const MISSED_HORIZON_MS = 400 * 86_400_000;

export interface PolicySchedulerDeps {
  clock: Clock;
  policies: () => Policy[];
  state: PolicyScheduleStore;
  /** Starts a policy run (PolicyRuns.start); throws when it cannot. */
  start: (request: PolicyRunRequest) => Session;
  /** The policy's run in progress, if any. */
  runningSession: (policyId: string) => string | undefined;
  paused: () => boolean;
  /** Starts a policy's health check (HealthChecks.start); optional: without it health checks are not scheduled. */
  startHealthCheck?: (policyId: string, dueAt: Date) => Session;
  /** Where the scheduler reports what it did not start (a log line of the service). */
  report?: (message: string) => void;
}

/** What `schedule list` and the console show of one policy. */
export interface PolicyScheduleView {
  policyId: string;
  policyName: string;
  enabled: boolean;
  timeZone: string | null;
  nextRuns: PlannedRun[];
  lastDueAt: string | null;
  lastSessionId: string | null;
  lastResult: string | null;
}

/**
 * Starts policy runs when they are due, from the injected clock (tests move time instead of
 * waiting). Each policy remembers the last scheduled run it accounted for, in UTC:
 * - runs due since then start one run; several missed ones (the app was closed or asleep) become
 *   one catch-up run carrying every missed schedule's flags, or none when the policy says `skip`;
 * - a run due while the previous one still goes is skipped and reported (never two at once);
 * - a clock moved backwards finds nothing due before the remembered time: no run happens twice.
 * A policy seen for the first time starts counting from now (it does not run its past).
 */
export class PolicyScheduler {
  private readonly deps: PolicySchedulerDeps;
  private timer: NodeJS.Timeout | null = null;
  private lastTickMs: number | null = null;

  constructor(deps: PolicySchedulerDeps) {
    this.deps = deps;
  }

  /** One look at every policy; starts what is due. Returns the sessions it started. */
  tick(): Session[] {
    const nowMs = this.deps.clock.now().getTime();
    this.lastTickMs = nowMs;
    if (this.deps.paused()) return [];
    const started: Session[] = [];
    for (const policy of this.deps.policies()) {
      if (!policy.enabled || !policy.repositoryBackup) continue;
      const session = this.tickPolicy(policy, nowMs);
      if (session) started.push(session);
      const check = this.tickHealthCheck(policy, nowMs);
      if (check) started.push(check);
    }
    return started;
  }

  private tickPolicy(policy: Policy, nowMs: number): Session | null {
    const state = this.deps.state.get(policy.id);
    if (!state) {
      this.remember(policy.id, { lastDueAt: new Date(nowMs).toISOString(), lastSessionId: null, lastStartedAt: null, lastResult: null, healthDueAt: new Date(nowMs).toISOString(), healthSessionId: null });
      return null;
    }
    const since = Math.max(Date.parse(state.lastDueAt), nowMs - MISSED_HORIZON_MS);
    const due = runsBetween(policy, since, nowMs, 10_000);
    if (!due.length) return null;
    const last = due[due.length - 1]!;
    const lastDueAt = last.at.toISOString();
    const catchUp = due.length > 1 || nowMs - last.at.getTime() > ON_TIME_MS;
    if (catchUp && policy.missedRuns === 'skip') {
      this.remember(policy.id, { ...state, lastDueAt, lastResult: `skipped ${due.length} missed run(s) (missedRuns: skip)` });
      this.deps.report?.(`Policy "${policy.name}": ${due.length} missed run(s) up to ${lastDueAt} were skipped, as the policy says (missedRuns: skip).`);
      return null;
    }
    const busy = this.deps.runningSession(policy.id);
    if (busy) {
      this.remember(policy.id, { ...state, lastDueAt, lastResult: `run due at ${lastDueAt} skipped: the previous run was still going` });
      this.deps.report?.(`Policy "${policy.name}": the run due at ${lastDueAt} was skipped because its previous run (session ${busy}) is still going.`);
      return null;
    }
    const schedules = [...new Set(due.flatMap((run) => run.schedules))] as ScheduleName[];
    try {
      const session = this.deps.start({ policyId: policy.id, schedules, dueAt: last.at, ...(catchUp ? { catchUp: { missed: due.length, firstDueAt: due[0]!.at } } : {}) });
      this.remember(policy.id, { ...state, lastDueAt, lastSessionId: session.id, lastStartedAt: new Date(nowMs).toISOString(), lastResult: 'started' });
      return session;
    } catch (error) {
      this.remember(policy.id, { ...state, lastDueAt, lastResult: `could not start: ${(error as Error).message}` });
      this.deps.report?.(`Policy "${policy.name}": the run due at ${lastDueAt} could not start: ${(error as Error).message}`);
      return null;
    }
  }

  /** The weekly health check: due runs since the last one become one check (a check covers the repository as it is now). */
  private tickHealthCheck(policy: Policy, nowMs: number): Session | null {
    const check = policy.healthCheck;
    if (!check.enabled || !this.deps.startHealthCheck) return null;
    const state = this.deps.state.get(policy.id);
    if (!state) return null;
    if (!state.healthDueAt) {
      this.remember(policy.id, { ...state, healthDueAt: new Date(nowMs).toISOString() });
      return null;
    }
    const weekly = { repositoryBackup: { repositoryId: '', schedules: { weekly: { enabled: true, time: check.time, day: check.day, keepWeeks: 1, mode: 'separate' as const } } }, timeZone: policy.timeZone };
    const due = runsBetween(weekly, Date.parse(state.healthDueAt), nowMs, 1000);
    if (!due.length) return null;
    const last = due[due.length - 1]!;
    try {
      const session = this.deps.startHealthCheck(policy.id, last.at);
      this.remember(policy.id, { ...state, healthDueAt: last.at.toISOString(), healthSessionId: session.id });
      return session;
    } catch (error) {
      this.remember(policy.id, { ...state, healthDueAt: last.at.toISOString() });
      this.deps.report?.(`Policy "${policy.name}": the health check due at ${last.at.toISOString()} could not start: ${(error as Error).message}`);
      return null;
    }
  }

  private remember(policyId: string, state: Omit<PolicyScheduleState, 'policyId'>): void {
    this.deps.state.put({ policyId, ...state });
  }

  /** Every policy's next runs and last result (for `schedule list` and the console). */
  list(count = 3): PolicyScheduleView[] {
    const nowMs = this.deps.clock.now().getTime();
    return this.deps.policies().map((policy) => {
      const state = this.deps.state.get(policy.id);
      return {
        policyId: policy.id,
        policyName: policy.name,
        enabled: policy.enabled,
        timeZone: policy.timeZone ?? null,
        nextRuns: policy.enabled && policy.repositoryBackup ? upcomingRuns(policy, nowMs, count) : [],
        lastDueAt: state?.lastDueAt ?? null,
        lastSessionId: state?.lastSessionId ?? null,
        lastResult: state?.lastResult ?? null,
      };
    });
  }

  /** When the next run of any policy is due (null: none planned). */
  nextDue(): Date | null {
    const nowMs = this.deps.clock.now().getTime();
    const times = this.deps.policies().flatMap((policy) => (policy.enabled && policy.repositoryBackup ? [nextRun(policy, nowMs)?.at.getTime() ?? Infinity] : []));
    const first = Math.min(...times);
    return Number.isFinite(first) ? new Date(first) : null;
  }

  /**
   * Ticks on a real timer every `checkEveryMs` (default 30 s). The timer is also the watchdog: a
   * tick that finds the clock far ahead of where the last one left it (sleep, a clock change) is
   * just another tick, and the missed runs become one catch-up run.
   */
  run(checkEveryMs = 30_000): void {
    if (this.timer) return;
    const safeTick = () => {
      try {
        this.tick();
      } catch (error) {
        this.deps.report?.(`The policy scheduler could not look at the policies: ${(error as Error).message}`);
      }
    };
    safeTick();
    this.timer = setInterval(safeTick, checkEveryMs);
    this.timer.unref();
  }

  /** For the desktop's resume-from-sleep event: look now rather than at the next timer tick. */
  wake(): void {
    if (this.timer) this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** When the last tick looked (for diagnostics and tests). */
  get lastTick(): Date | null {
    return this.lastTickMs === null ? null : new Date(this.lastTickMs);
  }
}
