import type { PolicyInput, ResourceKind } from './policy.ts';

/**
 * The list prices a cost estimate uses (pay-as-you-go, USD, one region) and the cost estimate the
 * policy wizard shows with them. They come from the Azure Retail Prices API when it is reachable
 * (core/prices) and from the bundled, dated table below otherwise. Prices differ by region, currency
 * and agreement: the console says so next to every estimate.
 */
export interface PriceTable {
  /** Where the figures come from: Azure's Retail Prices API now, or the table bundled with the app. */
  source: 'retail-api' | 'bundled';
  /** The day the figures were read (YYYY-MM-DD). */
  asOf: string;
  /** ARM region name ("eastus"). */
  region: string;
  currency: 'USD';
  /** Cosmos DB continuous backup, per GB of data per month, per region (the 7-day tier is free). */
  continuous30DaysPerGbMonth: number;
  continuous7DaysPerGbMonth: number;
  /** Block blob storage (LRS), per GB per month, by access tier. */
  blobPerGbMonth: { hot: number; cool: number; cold: number; archive: number };
  /** Linux VMs, per hour, by lower-case size name (worker VMs run only while they work). */
  vmPerHour: Readonly<Record<string, number>>;
}

/** The bundled table: East US list prices read from the Azure Retail Prices API on its `asOf` day. */
export const BUNDLED_PRICES: PriceTable = {
  source: 'bundled',
  asOf: '2026-11-02',
  region: 'eastus',
  currency: 'USD',
  continuous30DaysPerGbMonth: 0.2,
  continuous7DaysPerGbMonth: 0,
  blobPerGbMonth: { hot: 0.0184, cool: 0.01, cold: 0.0036, archive: 0.00099 },
  vmPerHour: {
    standard_d2s_v5: 0.096,
    standard_d4s_v5: 0.192,
    standard_d8s_v5: 0.384,
    standard_d16s_v5: 0.768,
    standard_d2as_v5: 0.086,
    standard_d4as_v5: 0.172,
    standard_d8as_v5: 0.344,
    standard_e2s_v5: 0.126,
    standard_e4s_v5: 0.252,
    standard_f2s_v2: 0.085,
    standard_f4s_v2: 0.169,
    standard_f8s_v2: 0.338,
  },
};

/** The VM sizes whose prices a table holds (the worker sizes the app picks from). */
export const PRICED_VM_SIZES = Object.keys(BUNDLED_PRICES.vmPerHour);

/** The hourly list price of a VM size, or null when the table does not have it. */
export function vmHourlyUsd(size: string, prices: PriceTable = BUNDLED_PRICES): number | null {
  return prices.vmPerHour[size.toLowerCase()] ?? null;
}

/** What the estimate assumes; the wizard lets the admin change each. */
export interface CostAssumptions {
  /** Data per resource, GB. */
  dataGbPerResource: number;
  /** Share of the data that changes each day, percent. */
  dailyChangePercent: number;
  /** Repository size after deduplication and compression, percent of the data. */
  storedPercent: number;
  /** Azure regions per Cosmos DB account (continuous backup is charged per region). */
  regionsPerAccount: number;
  /** Worker throughput while backing up, MB/s. */
  workerMbPerSecond: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = { dataGbPerResource: 50, dailyChangePercent: 5, storedPercent: 40, regionsPerAccount: 1, workerMbPerSecond: 60 };

export interface CostLine {
  item: string;
  monthlyUsd: number;
  /** How the figure is made, in words. */
  detail: string;
}

export interface CostEstimate {
  lines: CostLine[];
  monthlyUsd: number;
}

/** Minutes to create, start and release a worker VM around each job. */
const WORKER_OVERHEAD_HOURS = 3 / 60;

/** The size Veeam's rule picks for a job moving `gb` (the default sizes of workers). */
function workerSizeFor(gb: number): string {
  return gb <= 22 ? 'Standard_D2s_v5' : gb <= 112 ? 'Standard_D4s_v5' : 'Standard_D8s_v5';
}

/** Days a repository keeps restore points under the policy's schedules (the longest of them). */
function retentionDays(policy: PolicyInput): number {
  const s = policy.repositoryBackup?.schedules;
  if (!s) return 0;
  return Math.max(s.daily?.enabled ? s.daily.keepDays : 0, s.weekly?.enabled ? s.weekly.keepWeeks * 7 : 0, s.monthly?.enabled ? s.monthly.keepMonths * 30 : 0, s.yearly?.enabled ? s.yearly.keepYears * 365 : 0);
}

/** Backups a month under the policy's schedules (each enabled schedule that runs its own backup). */
function backupsPerMonth(policy: PolicyInput): number {
  const s = policy.repositoryBackup?.schedules;
  if (!s) return 0;
  const daily = s.daily?.enabled ? ((s.daily.days?.length ?? 7) * 30) / 7 : 0;
  const separate = (schedule: { enabled: boolean; mode?: string } | undefined, perMonth: number) => (schedule?.enabled && (schedule.mode === 'separate' || !s.daily?.enabled) ? perMonth : 0);
  return daily + separate(s.weekly, 30 / 7) + separate(s.monthly, 1) + separate(s.yearly, 1 / 12);
}

const usd = (value: number) => Math.round(value * 100) / 100;

/**
 * A monthly cost estimate of a policy over the resources it would cover: continuous backup of the
 * Cosmos DB accounts, repository storage, worker VM hours, archive storage. An estimate: it rests on
 * the assumptions (shown with it) and the list prices given (the bundled table by default).
 */
export function estimatePolicyCost(policy: PolicyInput, resources: { kind: ResourceKind }[], assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS, prices: PriceTable = BUNDLED_PRICES): CostEstimate {
  const lines: CostLine[] = [];
  const gb = assumptions.dataGbPerResource;
  const accounts = resources.filter((r) => r.kind === 'cosmosdb-account').length;
  const repositoryBacked = resources.filter((r) => r.kind !== 'cosmosdb-account').length + (policy.repositoryBackup ? accounts : 0);
  if (policy.continuousBackup?.enabled && accounts) {
    const rate = policy.continuousBackup.tier === 'Continuous30Days' ? prices.continuous30DaysPerGbMonth : prices.continuous7DaysPerGbMonth;
    lines.push({
      item: `Continuous backup (${policy.continuousBackup.tier === 'Continuous30Days' ? '30' : '7'} days)`,
      monthlyUsd: usd(accounts * gb * assumptions.regionsPerAccount * rate),
      detail: `${accounts} account(s) × ${gb} GB × ${assumptions.regionsPerAccount} region(s) × $${rate.toFixed(2)}/GB-month${rate === 0 ? ' (the 7-day tier is free)' : ''}`,
    });
  }
  if (policy.repositoryBackup && repositoryBacked) {
    const stored = assumptions.storedPercent / 100;
    const days = retentionDays(policy);
    const changedGb = gb * (assumptions.dailyChangePercent / 100) * stored;
    const repositoryGb = repositoryBacked * (gb * stored + changedGb * Math.max(0, days - 1));
    lines.push({
      item: 'Repository storage (Hot)',
      monthlyUsd: usd(repositoryGb * prices.blobPerGbMonth.hot),
      detail: `${repositoryBacked} resource(s): a first copy at ${assumptions.storedPercent} % of ${gb} GB plus ${assumptions.dailyChangePercent} % a day changed, kept ${days} days ≈ ${Math.round(repositoryGb)} GB × $${prices.blobPerGbMonth.hot}/GB-month`,
    });
    const perMonth = backupsPerMonth(policy);
    const size = workerSizeFor(gb);
    const hoursPerJob = (gb * 1000) / assumptions.workerMbPerSecond / 3600 + WORKER_OVERHEAD_HOURS;
    const hourly = vmHourlyUsd(size, prices) ?? 0;
    lines.push({
      item: 'Worker VMs',
      monthlyUsd: usd(repositoryBacked * perMonth * hoursPerJob * hourly),
      detail: `${repositoryBacked} resource(s) × ${perMonth.toFixed(1)} backups a month × ${(hoursPerJob * 60).toFixed(0)} min on ${size} at $${hourly}/hour (${assumptions.workerMbPerSecond} MB/s, 3 min to start and release)`,
    });
    if (policy.archive) {
      const archiveMonths = policy.archive.retention.unit === 'years' ? policy.archive.retention.value * 12 : policy.archive.retention.value;
      const copiesPerMonth = policy.archive.fromSchedules.includes('daily') ? 30 : policy.archive.fromSchedules.includes('weekly') ? 30 / 7 : policy.archive.fromSchedules.includes('monthly') ? 1 : 1 / 12;
      // Each archived copy is self-contained: a copy of the data as stored.
      const archiveGb = repositoryBacked * gb * stored * copiesPerMonth * archiveMonths;
      lines.push({
        item: 'Archive copies (Archive tier)',
        monthlyUsd: usd(archiveGb * prices.blobPerGbMonth.archive),
        detail: `${repositoryBacked} resource(s) × ${copiesPerMonth.toFixed(1)} copies a month kept ${archiveMonths} months ≈ ${Math.round(archiveGb)} GB × $${prices.blobPerGbMonth.archive}/GB-month (at most; copies share nothing)`,
      });
    }
  }
  return { lines, monthlyUsd: usd(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)) };
}
