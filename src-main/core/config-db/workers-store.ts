import { z } from 'zod';
import { WORKER_STATES } from '../../shared/workers.ts';
import type { ConfigDb } from './open-database.ts';

export type WorkerState = (typeof WORKER_STATES)[number];

/** Where a job's mailbox is (no secret: the SAS and the job token live in the secret store). */
export const workerMailboxSchema = z.object({
  blobEndpoint: z.string(),
  accountName: z.string(),
  container: z.string(),
  jobId: z.string(),
  expiresOn: z.string(),
  /** The job's repository location (a backup collected after the app went away is catalogued there). */
  repository: z.string().optional(),
  jobKind: z.enum(['backup', 'restore', 'copy']).optional(),
});

/** Where the secret store keeps the job token of a worker's mailbox (to re-attach after the app went away). */
export const workerTokenRef = (workerId: string) => `worker-job-token:${workerId}`;
export type WorkerMailboxRecord = z.infer<typeof workerMailboxSchema>;

/** A worker VM the app created. */
export interface WorkerRecord {
  /** The VM's name (unique among ours). */
  id: string;
  /** The VM's ARM id. */
  vmId: string;
  subscriptionId: string;
  resourceGroup: string;
  region: string;
  size: string | null;
  configurationId: string | null;
  jobId: string | null;
  sessionId: string | null;
  state: WorkerState;
  mailbox: WorkerMailboxRecord | null;
  createdAt: string;
  lastSeenAt: string;
  releasedAt: string | null;
  /** Keep-warm: a deallocated worker may be reused until then. */
  keepUntil: string | null;
  /** The last thing worth saying (why a release failed…). */
  note: string | null;
}

const rowSchema = z.object({
  id: z.string(),
  vm_id: z.string(),
  subscription_id: z.string(),
  resource_group: z.string(),
  region: z.string(),
  size: z.string().nullable(),
  configuration_id: z.string().nullable(),
  job_id: z.string().nullable(),
  session_id: z.string().nullable(),
  state: z.enum(WORKER_STATES),
  mailbox: z.string().nullable(),
  created_at: z.string(),
  last_seen_at: z.string(),
  released_at: z.string().nullable(),
  keep_until: z.string().nullable(),
  note: z.string().nullable(),
});

function fromRow(row: unknown): WorkerRecord {
  const r = rowSchema.parse(row);
  let mailbox: WorkerMailboxRecord | null = null;
  if (r.mailbox) {
    const parsed = workerMailboxSchema.safeParse(JSON.parse(r.mailbox));
    mailbox = parsed.success ? parsed.data : null;
  }
  return {
    id: r.id,
    vmId: r.vm_id,
    subscriptionId: r.subscription_id,
    resourceGroup: r.resource_group,
    region: r.region,
    size: r.size,
    configurationId: r.configuration_id,
    jobId: r.job_id,
    sessionId: r.session_id,
    state: r.state,
    mailbox,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    releasedAt: r.released_at,
    keepUntil: r.keep_until,
    note: r.note,
  };
}

/** The worker VMs the app created and what became of them (released ones stay as history). */
export class WorkersStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  put(record: WorkerRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO workers (id, vm_id, subscription_id, resource_group, region, size, configuration_id, job_id, session_id, state, mailbox, created_at, last_seen_at, released_at, keep_until, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.vmId,
        record.subscriptionId,
        record.resourceGroup,
        record.region,
        record.size,
        record.configurationId,
        record.jobId,
        record.sessionId,
        record.state,
        record.mailbox ? JSON.stringify(record.mailbox) : null,
        record.createdAt,
        record.lastSeenAt,
        record.releasedAt,
        record.keepUntil,
        record.note,
      );
  }

  get(id: string): WorkerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM workers WHERE id = ?').get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Changes a worker's state (and what is worth saying about it). */
  update(id: string, change: Partial<Pick<WorkerRecord, 'state' | 'size' | 'lastSeenAt' | 'releasedAt' | 'keepUntil' | 'note' | 'jobId' | 'sessionId' | 'mailbox'>>): void {
    const current = this.get(id);
    if (current) this.put({ ...current, ...change });
  }

  /** Workers not yet released, oldest first. */
  live(): WorkerRecord[] {
    return this.db
      .prepare("SELECT * FROM workers WHERE state != 'released' ORDER BY created_at")
      .all()
      .map(fromRow);
  }

  /** The newest workers, any state. */
  recent(limit = 200): WorkerRecord[] {
    return this.db.prepare('SELECT * FROM workers ORDER BY created_at DESC LIMIT ?').all(limit).map(fromRow);
  }
}
