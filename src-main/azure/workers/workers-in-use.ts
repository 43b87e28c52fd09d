/** The name of the Run Command that starts the agent on a worker VM. */
export const AGENT_RUN_COMMAND = 'cosmos-backup-agent';

/** Workers this process is running a job on right now (the sweep leaves them alone). */
const inUse = new Set<string>();

export function workersInUse(): ReadonlySet<string> {
  return inUse;
}

/** Marks a worker as held by a job of this process (until `releaseClaim`). */
export function claimWorker(name: string): void {
  inUse.add(name);
}

export function releaseClaim(name: string): void {
  inUse.delete(name);
}
