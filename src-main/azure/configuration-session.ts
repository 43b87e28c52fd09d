import type { DatabaseAccountGetResults } from '@azure/arm-cosmosdb';
import type { SessionContext } from '../core/sessions/session-context.ts';
import { governingPolicy } from '../shared/scope-matcher.ts';
import { AppError } from '../shared/errors.ts';
import type { ContinuousTier, Policy } from '../shared/policy.ts';
import type { ArmClients } from './arm-clients.ts';
import { translateArmError } from './arm-errors.ts';
import { accountFacts, parseResourceId, unsupportedReason, type CosmosAccountFacts } from './cosmos-account-facts.ts';
import { delay } from './generic-arm.ts';
import { interleaveBySubscription } from './inventory-sync.ts';
import { mapPool, settle } from './pool.ts';

/** What a configuration session needs. */
export interface ConfigurationDeps {
  arm: ArmClients;
  policies: () => Policy[];
  /**
   * Accounts handled at once. Default 128: each mostly waits on an operation's Retry-After or a
   * migration, and the rate governor of the ARM clients keeps the calls themselves inside ARM's
   * limits, so a small pool would leave ARM's read budget unused (measured: 32 → 1.54× the floor).
   */
  concurrency?: number;
  /** How often a periodic → continuous migration is checked (default 60 s; it takes hours on Azure). */
  migrationPollMs?: number;
  /** Give up following a migration after this long (default 48 h; it keeps going on Azure). */
  migrationTimeoutMs?: number;
}

export interface ConfigurationOptions {
  /** Only accounts this policy governs (id or name). */
  policy?: string;
  subscriptionIds?: string[];
}

/** What happened to each account (the session summary counts them). */
export interface ConfigurationResult {
  accounts: number;
  governed: number;
  inPolicy: number;
  tierChanged: number;
  migrated: number;
  periodicReported: number;
  unsupported: number;
  failed: number;
  /** Subscriptions touched, for the sync that follows. */
  subscriptionIds: string[];
}

interface Target {
  account: DatabaseAccountGetResults;
  facts: CosmosAccountFacts;
  policy: Policy;
  resourceGroup: string;
  subscriptionId: string;
}

/**
 * Keeps Azure's continuous backup of every account a policy covers equal to the policy's tier:
 * a drifted tier is PATCHed (the operation is followed to its end), periodic accounts are reported
 * or — when the policy opts in — migrated (one-way) and followed until `migrationState` ends;
 * accounts that cannot be protected this way get a warning saying why. Every change is logged
 * with its before and after values. One account failing does not stop the others.
 */
export async function runConfigurationSession(deps: ConfigurationDeps, ctx: SessionContext, options: ConfigurationOptions = {}): Promise<ConfigurationResult> {
  const { arm } = deps;
  const limit = deps.concurrency ?? 128;
  const all = deps.policies().filter((p) => p.enabled);
  const only = options.policy ? all.find((p) => p.id === options.policy || p.name.toLowerCase() === options.policy!.toLowerCase()) : undefined;
  if (options.policy && !only) throw new AppError('not_found', `No enabled policy with id or name "${options.policy}".`);
  const result: ConfigurationResult = { accounts: 0, governed: 0, inPolicy: 0, tierChanged: 0, migrated: 0, periodicReported: 0, unsupported: 0, failed: 0, subscriptionIds: [] };
  if (!all.some((p) => p.continuousBackup?.enabled)) {
    ctx.info('No enabled policy manages continuous backup: nothing to configure.');
    return result;
  }

  const subscriptionIds: string[] = [];
  try {
    for await (const s of arm.subscriptions().subscriptions.list({ abortSignal: ctx.signal })) {
      if (!s.subscriptionId || s.state === 'Disabled' || s.state === 'Deleted') continue;
      if (options.subscriptionIds && !options.subscriptionIds.some((id) => id.toLowerCase() === s.subscriptionId!.toLowerCase())) continue;
      subscriptionIds.push(s.subscriptionId);
    }
  } catch (error) {
    throw translateArmError(error, 'Listing subscriptions');
  }
  result.subscriptionIds = subscriptionIds;

  const targets: Target[] = [];
  for (const subscriptionId of subscriptionIds) {
    const listed = await settle(async () => {
      const out: DatabaseAccountGetResults[] = [];
      for await (const a of arm.cosmos(subscriptionId).databaseAccounts.list({ abortSignal: ctx.signal })) out.push(a);
      return out;
    });
    if (!listed.ok) {
      result.failed++;
      ctx.error(`Subscription ${subscriptionId}: ${translateArmError(listed.error, 'Listing Cosmos DB accounts').message}`);
      continue;
    }
    for (const account of listed.value) {
      result.accounts++;
      const id = parseResourceId(account.id ?? '');
      const facts = accountFacts(account);
      const governing = governingPolicy(all, { id: account.id ?? '', kind: 'cosmosdb-account', subscriptionId, resourceGroup: id.resourceGroup, tags: account.tags ?? {} });
      if (!governing) continue;
      if (only && governing.policy.id !== only.id) continue;
      if (governing.overridden.length) {
        ctx.info(`${account.name}: covered by ${[governing.policy, ...governing.overridden].map((p) => `"${p.name}" (priority ${p.priority})`).join(', ')}; "${governing.policy.name}" has the highest priority and decides.`);
      }
      if (!governing.policy.continuousBackup?.enabled) {
        ctx.log('debug', `${account.name}: policy "${governing.policy.name}" does not manage continuous backup.`);
        continue;
      }
      result.governed++;
      targets.push({ account, facts, policy: governing.policy, resourceGroup: id.resourceGroup, subscriptionId });
    }
  }
  ctx.info(`${result.accounts} account(s) in ${subscriptionIds.length} subscription(s); ${targets.length} governed by a policy with continuous backup.`);

  let done = 0;
  ctx.progress(0, targets.length, 'accounts');
  // Round-robin over subscriptions: ARM's budgets are per subscription, so interleaving uses them all at once.
  const ordered = interleaveBySubscription(targets.map((t) => ({ record: t, t }))).map((x) => x.t);
  await mapPool(ordered, limit, async (target) => {
    const outcome = await settle(() => configureAccount(deps, ctx, target, result));
    if (!outcome.ok) {
      result.failed++;
      ctx.error(`${target.account.name}: ${translateArmError(outcome.error, 'Configuring continuous backup').message}`);
    }
    ctx.progress(++done, targets.length, 'accounts');
  }, ctx.signal);
  return result;
}

async function configureAccount(deps: ConfigurationDeps, ctx: SessionContext, t: Target, result: ConfigurationResult): Promise<void> {
  const name = t.account.name ?? '';
  const wanted = t.policy.continuousBackup!.tier;
  const reason = unsupportedReason(t.facts);
  if (reason) {
    result.unsupported++;
    ctx.warn(`${name} (${t.facts.api} API) cannot be protected by continuous backup here: ${reason}`);
    return;
  }
  const cosmos = deps.arm.cosmos(t.subscriptionId);
  if (t.facts.migration?.status === 'InProgress') {
    ctx.info(`${name}: a migration to continuous backup is already in progress (started ${t.facts.migration.startTime ?? 'earlier'}); following it.`);
    const after = await followMigration(deps, ctx, t);
    result.migrated++;
    await ensureTier(deps, ctx, t, accountFacts(after), wanted, result, false);
    return;
  }
  if (t.facts.backup.type === 'Continuous') {
    await ensureTier(deps, ctx, t, t.facts, wanted, result);
    return;
  }
  const periodic = t.facts.backup;
  const describe = `periodic (every ${periodic.intervalMinutes ?? '?'} min, kept ${periodic.retentionHours ?? '?'} h, ${periodic.redundancy ?? '?'} redundancy)`;
  if (!t.policy.continuousBackup!.migratePeriodicAccounts) {
    result.periodicReported++;
    ctx.warn(`${name} uses ${describe} backup, not continuous. Policy "${t.policy.name}" does not allow migrating it; enable "migratePeriodicAccounts" to migrate (one-way).`);
    return;
  }
  ctx.warn(`${name}: migrating backup from ${describe} to continuous ${wanted} as policy "${t.policy.name}" allows. This migration is ONE-WAY: the account can never return to periodic backup.`);
  await cosmos.databaseAccounts.update(t.resourceGroup, name, { backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: wanted } } }, { ...deps.arm.pollOptions, abortSignal: ctx.signal });
  const after = await followMigration(deps, ctx, t);
  const facts = accountFacts(after);
  ctx.info(`${name}: backup policy changed: before ${describe}; after continuous ${facts.backup.type === 'Continuous' ? facts.backup.tier : '?'}.`);
  result.migrated++;
  await ensureTier(deps, ctx, t, facts, wanted, result, false);
}

/** PATCHes the tier when it differs from the policy's, following the operation to its end. */
async function ensureTier(deps: ConfigurationDeps, ctx: SessionContext, t: Target, facts: CosmosAccountFacts, wanted: ContinuousTier, result: ConfigurationResult, countInPolicy = true): Promise<void> {
  const name = t.account.name ?? '';
  const current = facts.backup.type === 'Continuous' ? facts.backup.tier : null;
  if (current === wanted) {
    if (countInPolicy) result.inPolicy++;
    ctx.log('debug', `${name}: continuous ${current}, as policy "${t.policy.name}" wants.`);
    return;
  }
  ctx.info(`${name}: continuous backup tier is ${current ?? 'unknown'}, policy "${t.policy.name}" wants ${wanted}; updating.`);
  const updated = await deps.arm.cosmos(t.subscriptionId).databaseAccounts.update(
    t.resourceGroup,
    name,
    { backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: wanted } } },
    { ...deps.arm.pollOptions, abortSignal: ctx.signal },
  );
  const after = accountFacts(updated);
  const tier = after.backup.type === 'Continuous' ? after.backup.tier : null;
  if (tier !== wanted) throw new AppError('unavailable', `the update ended but the account reports tier ${tier ?? 'unknown'} instead of ${wanted}.`);
  result.tierChanged++;
  ctx.info(`${name}: continuous backup tier changed: before ${current ?? 'unknown'}; after ${tier}.`);
}

/** Reads the account until its migration to continuous backup has ended; throws when it failed. */
async function followMigration(deps: ConfigurationDeps, ctx: SessionContext, t: Target): Promise<DatabaseAccountGetResults> {
  const name = t.account.name ?? '';
  const pollMs = deps.migrationPollMs ?? 60_000;
  const deadline = performance.now() + (deps.migrationTimeoutMs ?? 48 * 3600_000);
  let lastStatus = '';
  for (;;) {
    const account = await deps.arm.cosmos(t.subscriptionId).databaseAccounts.get(t.resourceGroup, name, { abortSignal: ctx.signal });
    const facts = accountFacts(account);
    const status = facts.migration?.status ?? (facts.backup.type === 'Continuous' ? 'Completed' : 'Unknown');
    if (status !== lastStatus) {
      ctx.info(`${name}: migration to continuous backup: ${status}${facts.migration?.startTime ? ` (started ${facts.migration.startTime})` : ''}.`);
      lastStatus = status;
    }
    if (status === 'Completed' && facts.backup.type === 'Continuous') return account;
    if (status === 'Failed' || status === 'Invalid') throw new AppError('unavailable', `the migration to continuous backup ended with status ${status}; the account still uses periodic backup.`);
    if (performance.now() > deadline) throw new AppError('unavailable', 'the migration to continuous backup has not ended in time; it goes on in Azure and the next configuration session follows it again.');
    await delay(pollMs, ctx.signal);
  }
}
