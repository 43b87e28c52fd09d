import { BlobSASPermissions, type BlobServiceClient } from '@azure/storage-blob';
import type { AgentBundleArchive } from './agent-bundle-archive.ts';

/** The container of a storage account that holds staged agent bundles (one blob per content). */
export const AGENT_BUNDLE_CONTAINER = 'cosmos-backup-agent';

/** A staged bundle: where a worker VM downloads it (read SAS, short-lived) and its checksum. */
export interface StagedAgentBundle {
  url: string;
  sha256: string;
  size: number;
  /** Whether this call uploaded it (false: it was already there). */
  uploaded: boolean;
}

/**
 * Puts the agent bundle in the storage account (once per content: the blob is named by its
 * checksum, and an existing one is kept) and returns a read SAS valid for `validForMs`.
 */
export async function stageAgentBundle(service: BlobServiceClient, archive: AgentBundleArchive, validForMs: number, now: Date = new Date()): Promise<StagedAgentBundle> {
  const container = service.getContainerClient(AGENT_BUNDLE_CONTAINER);
  await container.createIfNotExists();
  const blob = container.getBlockBlobClient(`agent-${archive.sha256.slice(0, 32)}.tar.gz`);
  let uploaded = false;
  const existing = await blob.getProperties().catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) return undefined;
    throw error;
  });
  if (!existing || existing.contentLength !== archive.size || existing.metadata?.sha256 !== archive.sha256) {
    await blob.uploadFile(archive.path, { metadata: { sha256: archive.sha256 }, blobHTTPHeaders: { blobContentType: 'application/gzip' }, concurrency: 4, blockSize: 8 * 1024 * 1024 });
    uploaded = true;
  }
  const url = await blob.generateSasUrl({ permissions: BlobSASPermissions.parse('r'), startsOn: new Date(now.getTime() - 5 * 60_000), expiresOn: new Date(now.getTime() + validForMs) });
  return { url, sha256: archive.sha256, size: archive.size, uploaded };
}
