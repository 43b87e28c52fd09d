import type { CosmosAccount, CosmosChild, ContinuousTier } from './types.ts';

const DAY = 24 * 60 * 60 * 1000;

export function retentionMs(tier: ContinuousTier): number {
  return tier === 'Continuous30Days' ? 30 * DAY : 7 * DAY;
}

/** ARM's apiType of an account, as restorable accounts report it. */
export function apiTypeOf(account: CosmosAccount): string {
  return account.api;
}

/**
 * The window a continuous-backup account can be restored to: from max(start of continuous
 * backup, now − retention) to now, or to the deletion time for a deleted account. Undefined
 * when the account is not restorable (periodic, still being created, or the window has passed).
 */
export function restorableWindow(account: CosmosAccount, now: number): { start: number; end: number } | undefined {
  if (account.backup.type !== 'Continuous' || account.continuousSince === undefined) return undefined;
  const end = account.deletedAt ?? now;
  const start = Math.max(account.continuousSince, now - retentionMs(account.backup.tier));
  return start <= end ? { start, end } : undefined;
}

/** Items that existed at `t` (created at or before it, not yet deleted). */
export function existingAt(children: CosmosChild[], t: number): CosmosChild[] {
  return children.filter((c) => c.createdAt <= t && (c.deletedAt === undefined || c.deletedAt > t));
}

/** The live (not deleted) item named `name`, if any. */
export function liveChild(children: CosmosChild[], name: string): CosmosChild | undefined {
  return children.find((c) => c.deletedAt === undefined && c.name.toLowerCase() === name.toLowerCase());
}

/** Deep copy of what existed at `t`, with fresh creation times (used by restores). */
export function snapshotAt(children: CosmosChild[], t: number, createdAt: number, newRid: () => string): CosmosChild[] {
  return existingAt(children, t).map((c) => ({
    name: c.name,
    rid: newRid(),
    createdAt,
    children: snapshotAt(c.children, t, createdAt, newRid),
  }));
}
