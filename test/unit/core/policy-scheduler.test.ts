import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openConfigDatabase, type ConfigDb } from '../../../src-main/core/config-db/open-database.ts';
import { PolicyScheduleStore } from '../../../src-main/core/config-db/policy-schedule-store.ts';
import { PoliciesStore } from '../../../src-main/core/config-db/policies-store.ts';
import { PolicyScheduler } from '../../../src-main/core/scheduling/policy-scheduler.ts';
import type { PolicyRunRequest } from '../../../src-main/core/jobs/policy-runs.ts';
import { policyInputSchema, type Policy } from '../../../src-main/shared/policy.ts';
import type { Session } from '../../../src-main/shared/session.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let dir: ReturnType<typeof makeTempDir>;
let db: ConfigDb;
let now: Date;
let started: PolicyRunRequest[];
let running: string | undefined;
let paused: boolean;
let policy: Policy;
let scheduler: PolicyScheduler;
let checks: { policyId: string; dueAt: string }[];

function makePolicy(extra: Record<string, unknown> = {}): Policy {
  const input = policyInputSchema.parse({
    name: 'Nightly',
    scope: { include: { all: true } },
    timeZone: 'Europe/Berlin',
    repositoryBackup: { repositoryId: 'repo', schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 }, weekly: { enabled: true, time: '02:00', day: 'sun', keepWeeks: 4 } } },
    ...extra,
  });
  return new PoliciesStore(db).save({ ...input, id: 'p1' } as never, '2026-01-01T00:00:00.000Z') as Policy;
}

beforeEach(() => {
  dir = makeTempDir();
  db = openConfigDatabase(join(dir.path, 'config.db'));
  now = new Date('2026-12-01T12:00:00Z');
  started = [];
  checks = [];
  running = undefined;
  paused = false;
  policy = makePolicy();
  scheduler = new PolicyScheduler({
    clock: { now: () => now, monotonicMs: () => now.getTime() },
    policies: () => [policy],
    state: new PolicyScheduleStore(db),
    start: (request) => {
      started.push(request);
      return { id: `s${started.length}` } as Session;
    },
    runningSession: () => running,
    paused: () => paused,
    startHealthCheck: (policyId, dueAt) => {
      checks.push({ policyId, dueAt: dueAt.toISOString() });
      return { id: `h${checks.length}` } as Session;
    },
  });
});
afterEach(() => {
  db.close();
  dir.remove();
});

const dueTimes = () => started.map((r) => r.dueAt?.toISOString());

describe('the policy scheduler', () => {
  it('starts counting when it first sees a policy, then runs each due run once, on time', () => {
    expect(scheduler.tick()).toEqual([]); // first sight: no past runs
    now = new Date('2026-12-02T00:59:00Z'); // 01:59 in Berlin
    expect(scheduler.tick()).toEqual([]);
    now = new Date('2026-12-02T01:00:30Z'); // 02:00:30 in Berlin
    expect(scheduler.tick()).toHaveLength(1);
    expect(scheduler.tick()).toHaveLength(0); // not twice
    expect(started[0]).toMatchObject({ policyId: 'p1', schedules: ['daily'], dueAt: new Date('2026-12-02T01:00:00Z') });
    expect(started[0]!.catchUp).toBeUndefined();
  });

  it('gives the Sunday run both flags', () => {
    scheduler.tick();
    now = new Date('2026-12-06T01:01:00Z'); // Sunday 02:01 Berlin
    scheduler.tick();
    expect(started.at(-1)?.schedules.sort()).toEqual(['daily', 'weekly']);
  });

  it('turns runs missed while the app was closed into one catch-up run with every missed flag', () => {
    scheduler.tick();
    // Closed from Tuesday noon to the next Monday 09:00: six dailies and a Sunday weekly were missed.
    now = new Date('2026-12-07T08:00:00Z');
    const sessions = scheduler.tick();
    expect(sessions).toHaveLength(1);
    expect(started[0]).toMatchObject({ dueAt: new Date('2026-12-07T01:00:00Z'), catchUp: { missed: 6, firstDueAt: new Date('2026-12-02T01:00:00Z') } });
    expect(started[0]!.schedules.sort()).toEqual(['daily', 'weekly']);
    expect(scheduler.tick()).toEqual([]); // and not again
  });

  it('treats a run found well after its time (the machine slept through it) as a catch-up', () => {
    scheduler.tick();
    now = new Date('2026-12-02T05:30:00Z'); // woke at 06:30, the 02:00 run is 4.5 h late
    scheduler.tick();
    expect(started[0]).toMatchObject({ catchUp: { missed: 1 } });
  });

  it('skips missed runs when the policy says so, and records why', () => {
    policy = makePolicy({ missedRuns: 'skip' });
    scheduler.tick();
    now = new Date('2026-12-05T08:00:00Z');
    expect(scheduler.tick()).toEqual([]);
    expect(scheduler.list()[0]!.lastResult).toBe('skipped 4 missed run(s) (missedRuns: skip)');
    now = new Date('2026-12-06T01:00:10Z');
    expect(scheduler.tick()).toHaveLength(1); // the next on-time run still happens
  });

  it('never overlaps two runs of one policy: a run due while the last one goes is skipped and recorded', () => {
    scheduler.tick();
    running = 's-long';
    now = new Date('2026-12-02T01:00:30Z');
    expect(scheduler.tick()).toEqual([]);
    expect(scheduler.list()[0]!.lastResult).toMatch(/skipped: the previous run was still going/);
    running = undefined;
    now = new Date('2026-12-02T03:00:00Z');
    expect(scheduler.tick()).toEqual([]); // that run is accounted for, not run late
    now = new Date('2026-12-03T01:00:30Z');
    expect(scheduler.tick()).toHaveLength(1);
  });

  it('runs nothing twice when the clock moves backwards', () => {
    scheduler.tick();
    now = new Date('2026-12-02T01:00:30Z');
    scheduler.tick();
    now = new Date('2026-12-01T20:00:00Z'); // set back by hours
    expect(scheduler.tick()).toEqual([]);
    now = new Date('2026-12-02T01:00:40Z');
    expect(scheduler.tick()).toEqual([]);
    expect(dueTimes()).toEqual(['2026-12-02T01:00:00.000Z']);
  });

  it('runs the weekly health check on its day and time in the policy zone, once, and one for several missed weeks', () => {
    policy = makePolicy({ healthCheck: { enabled: true, day: 'sat', time: '03:00' } });
    scheduler.tick();
    now = new Date('2026-12-05T01:59:00Z'); // Saturday 02:59 in Berlin
    scheduler.tick();
    expect(checks).toEqual([]);
    now = new Date('2026-12-05T02:00:30Z');
    scheduler.tick();
    scheduler.tick();
    expect(checks).toEqual([{ policyId: 'p1', dueAt: '2026-12-05T02:00:00.000Z' }]);
    now = new Date('2026-12-27T12:00:00Z'); // three Saturdays later
    scheduler.tick();
    expect(checks.map((c) => c.dueAt)).toEqual(['2026-12-05T02:00:00.000Z', '2026-12-26T02:00:00.000Z']);
  });

  it('does nothing while scheduling is paused or the policy is disabled, and lists the next runs', () => {
    scheduler.tick();
    paused = true;
    now = new Date('2026-12-02T01:00:30Z');
    expect(scheduler.tick()).toEqual([]);
    paused = false;
    policy = { ...policy, enabled: false };
    expect(scheduler.tick()).toEqual([]);
    expect(scheduler.list()[0]!.nextRuns).toEqual([]);
    policy = { ...policy, enabled: true };
    const [view] = scheduler.list(2);
    expect(view!.nextRuns.map((r) => r.at.toISOString())).toEqual(['2026-12-03T01:00:00.000Z', '2026-12-04T01:00:00.000Z']);
    expect(view).toMatchObject({ policyName: 'Nightly', timeZone: 'Europe/Berlin' });
  });
});
