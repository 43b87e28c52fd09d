import { parseRepositoryLocation } from '../../repository/index.ts';
import type { JobSecrets, JobSpec } from '../protocol.ts';

/** A storage account the app holds the key of (the repository's): where mailboxes and the agent bundle live. */
export interface MailboxAccount {
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
}

/** The storage account a job's mailbox and bundle go to: the repository's, reached with its account key; undefined when the job has none. */
export function mailboxAccountOf(job: JobSpec, secrets: JobSecrets): MailboxAccount | undefined {
  // A copy runs in its target's region: its mailbox is in the target's account.
  const repository = job.kind === 'copy' ? job.target : job.repository;
  const storage = job.kind === 'copy' ? secrets.target?.storage : secrets.storage;
  let location;
  try {
    location = parseRepositoryLocation(repository.location);
  } catch {
    return undefined;
  }
  if (location.kind !== 'azure' || storage?.kind !== 'sharedKey') return undefined;
  return { blobEndpoint: location.blobEndpoint, accountName: location.accountName, accountKey: storage.accountKey };
}
