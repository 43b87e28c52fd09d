import type { OwnedSession } from '../config-db/sessions-store.ts';

/**
 * Whether the process that owns an unfinished session is gone. On this host a dead pid settles it
 * at once; otherwise (another host, or a pid reused) a heartbeat older than `staleAfterMs` does.
 */
export function isOwnerGone(owned: OwnedSession, thisHost: string, nowMs: number, staleAfterMs: number): boolean {
  if (!owned.owner) return true;
  if (owned.owner.host === thisHost && !isProcessAlive(owned.owner.pid)) return true;
  const lastBeat = owned.heartbeatAt ? Date.parse(owned.heartbeatAt) : 0;
  return nowMs - lastBeat > staleAfterMs;
}

function isProcessAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
