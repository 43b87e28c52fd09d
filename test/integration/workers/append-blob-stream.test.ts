import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { AppendBlobTail, AppendBlobWriter } from '../../../src-main/worker/mailbox/append-blob-stream.ts';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';

/** The mailbox's append-blob stream across segments, on Azurite: small segments so the roll-over happens. */
describe('append-blob streams', () => {
  let azurite: AzuriteInstance;
  let container: ContainerClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)).getContainerClient('stream-test');
    await container.create();
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('rolls over to new segments and the tail reads every line once, in order, while it is written', async () => {
    const writer = new AppendBlobWriter(container, 'out-', 3);
    const tail = new AppendBlobTail(container, 'out-', 3);
    const read: string[] = [];
    for (let i = 0; i < 10; i++) {
      writer.push(`line ${i}\n`);
      await writer.flush(); // one append each: segments of 3 appends
      if (i % 4 === 0) read.push(...(await tail.read()));
    }
    read.push(...(await tail.read()));
    expect(read).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    const segments: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'out-' })) segments.push(blob.name);
    expect(segments).toEqual(['out-000001.ndjson', 'out-000002.ndjson', 'out-000003.ndjson', 'out-000004.ndjson']);
    expect(await tail.read()).toEqual([]);
  });
});
