// Benchmark: planning 10,000 resources under 50 policies — which policy governs each resource
// (scope rules, exclusions, priority) and the next 3 runs of every schedule, in the policies' own
// time zones. Ours: planCoverage (next runs once per policy). Baseline in the same run: the naive
// per-resource re-evaluation (each resource's governing policy, then that policy's next runs
// computed again for the resource). Target: ours ≤ 1 s; the ratio is printed.
// Run: npm run bench:planning
import { planCoverage } from '../../src-main/core/scheduling/coverage-plan.ts';
import { upcomingRuns } from '../../src-main/core/scheduling/policy-plan.ts';
import { governingPolicy, type ResourceFacts } from '../../src-main/shared/scope-matcher.ts';
import { policyInputSchema, WEEKDAYS, type Policy } from '../../src-main/shared/policy.ts';
import { medianRound } from './median-round.ts';

const RESOURCES = Number(process.env.BENCH_PLAN_RESOURCES ?? 10_000);
const POLICIES = Number(process.env.BENCH_PLAN_POLICIES ?? 50);
const ROUNDS = Number(process.env.BENCH_PLAN_ROUNDS ?? 5);
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney'];

// A deterministic generator, so every run plans the same estate.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
const subscriptions = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

const resources: ResourceFacts[] = Array.from({ length: RESOURCES }, (_, i) => {
  const subscriptionId = pick(subscriptions);
  const resourceGroup = `rg-${Math.floor(random() * 40)}`;
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/cluster-${i}`,
    kind: 'postgres-cluster',
    subscriptionId,
    resourceGroup,
    tags: { env: pick(['prod', 'dev', 'test']), team: `t${Math.floor(random() * 10)}` },
  };
});

const policies: Policy[] = Array.from({ length: POLICIES }, (_, i) => {
  const draft = policyInputSchema.parse({
    name: `policy-${i}`,
    priority: 1 + (i % 100),
    timeZone: pick(ZONES),
    scope: {
      resourceKinds: ['postgres-cluster'],
      include: i % 5 === 0 ? { all: true } : { subscriptions: [pick(subscriptions), pick(subscriptions)], tags: [{ name: 'env', value: pick(['prod', 'dev']) }] },
      exclude: { resources: [resources[Math.floor(random() * RESOURCES)]!.id], tags: [{ name: 'team', value: `t${i % 10}` }] },
    },
    repositoryBackup: {
      repositoryId: 'repo',
      schedules: {
        daily: { enabled: true, time: `0${i % 6}:30`, days: WEEKDAYS.filter(() => random() > 0.3).concat(['sun']), keepDays: 14 },
        weekly: { enabled: i % 2 === 0, time: '03:00', day: pick(WEEKDAYS), keepWeeks: 8, mode: 'separate' },
        monthly: { enabled: i % 3 === 0, time: '04:00', dayOfMonth: 'last', weekday: pick(WEEKDAYS), keepMonths: 12, mode: 'separate' },
        yearly: { enabled: i % 7 === 0, time: '05:00', month: 1 + (i % 12), dayOfMonth: 'last', keepYears: 5, mode: 'separate' },
      },
    },
  });
  return { ...draft, id: `p${i}`, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' } as Policy;
});

const nowMs = Date.parse('2026-12-04T12:00:00Z');

function ours(): number {
  const plan = planCoverage(resources, policies, nowMs, 3);
  return plan.reduce((sum, p) => sum + p.resourceIds.length, 0);
}

function naive(): number {
  let governed = 0;
  for (const resource of resources) {
    const governing = governingPolicy(policies, resource);
    if (!governing) continue;
    upcomingRuns(governing.policy, nowMs, 3);
    governed++;
  }
  return governed;
}

function time(fn: () => number): { ms: number; result: number } {
  const started = performance.now();
  const result = fn();
  return { ms: performance.now() - started, result };
}

ours();
naive(); // warm both (JIT, Intl formatters)
const rounds: { ours: number; baseline: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const a = time(ours);
  const b = time(naive);
  if (a.result !== b.result) throw new Error(`the two plans disagree: ${a.result} vs ${b.result} resources governed`);
  rounds.push({ ours: a.ms, baseline: b.ms });
  process.stderr.write(`round ${round + 1}: ours ${a.ms.toFixed(0)} ms, naive ${b.ms.toFixed(0)} ms (${a.result} resources governed)\n`);
}
const median = medianRound(rounds);
console.log(`\nPlanning ${RESOURCES.toLocaleString('en-US')} resources under ${POLICIES} policies (median of ${ROUNDS} interleaved rounds):`);
console.log(`  ours (planCoverage)          ${median.ours.toFixed(0)} ms   target ≤ 1000 ms: ${median.ours <= 1000 ? 'met' : 'NOT met'}`);
console.log(`  baseline (naive per resource) ${median.baseline.toFixed(0)} ms`);
console.log(`  ratio ours / naive            ${(median.ours / median.baseline).toFixed(3)}x`);
