/**
 * Entry of a codec worker thread (started by BlobCodecPool): does the CPU-heavy per-blob work —
 * id hashing, zstd, AES-GCM, verification, pack digests — so the main thread only chunks,
 * schedules and does I/O.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { chunkIdOf, openChunkSync, sealPayloadSync, sealedLength } from './blob-transforms.ts';
import type { BytesView, CodecReply, CodecRequest, CodecWorkerData } from './codec-messages.ts';
import { ZstdFrameCompressor } from '../format/zstd-frame-compressor.ts';

const data = workerData as CodecWorkerData;
let keys = data.keys;
/** A thread started early waits for its keys (a `keys` message, before any job). */
let awaitingKeys = data.keysByMessage === true;
const port = parentPort!;

/** Chunks hashed and waiting for the writer's seal-or-drop decision, by job. */
const held = new Map<number, { buffer: ArrayBuffer; chunk: Buffer; id: string }>();
/**
 * Output buffers of earlier seals that the main thread handed back. Sealed blobs are written into
 * them, so a long backup cycles a few buffers instead of leaving hundreds of megabytes of
 * transferred garbage for the main thread's collector (measured: peak RSS grew with the input).
 */
const spareOutputs: ArrayBuffer[] = [];
const KEEP_SPARE_OUTPUTS = 4;
/** Output sizes are rounded up to this, so a spare fits most later blobs of about the same size. */
const OUTPUT_GRANULE = 256 * 1024;

function outputFor(length: number): Buffer {
  // The smallest spare that fits: big spares are kept for big blobs.
  let best = -1;
  spareOutputs.forEach((spare, at) => {
    if (spare.byteLength >= length && (best < 0 || spare.byteLength < spareOutputs[best]!.byteLength)) best = at;
  });
  const buffer = best >= 0 ? spareOutputs.splice(best, 1)[0]! : new ArrayBuffer(Math.ceil(length / OUTPUT_GRANULE) * OUTPUT_GRANULE);
  return Buffer.from(buffer, 0, length);
}

/** Idle zstd contexts by level: reusing one is about a quarter faster than a fresh one per chunk. */
const compressors = new Map<number, ZstdFrameCompressor[]>();

/** A view that can cross threads without a copy: its own ArrayBuffer when it has one, else a copy. */
function handOver(bytes: Buffer, transfer: ArrayBuffer[]): BytesView {
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const buffer = owned ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
  transfer.push(buffer);
  return { buffer, offset: 0, length: bytes.byteLength };
}

function take(job: number): { buffer: ArrayBuffer; chunk: Buffer; id: string } {
  const chunk = held.get(job);
  if (!chunk) throw new Error(`no chunk is held under job ${job}`);
  held.delete(job);
  return chunk;
}

async function compress(chunk: Buffer, level: number) {
  const idle = compressors.get(level) ?? [];
  compressors.set(level, idle);
  const compressor = idle.pop() ?? new ZstdFrameCompressor(level);
  try {
    return await compressor.compress(chunk);
  } finally {
    idle.push(compressor);
  }
}

async function handle(request: CodecRequest): Promise<{ reply: CodecReply; transfer: ArrayBuffer[] }> {
  const transfer: ArrayBuffer[] = [];
  switch (request.op) {
    case 'hash': {
      const chunk = Buffer.from(request.buffer, request.offset, request.length);
      const id = chunkIdOf(keys, chunk);
      held.set(request.job, { buffer: request.buffer, chunk, id });
      return { reply: { job: request.job, id }, transfer };
    }
    case 'drop': {
      const { buffer } = take(request.job);
      transfer.push(buffer);
      return { reply: { job: request.job, returned: buffer }, transfer };
    }
    case 'seal': {
      const { buffer, chunk, id } = take(request.job);
      const { flag, bytes } = await compress(chunk, request.zstdLevel);
      const stored = sealPayloadSync(keys, bytes, id, outputFor(sealedLength(keys, bytes.length)));
      transfer.push(stored.buffer as ArrayBuffer, buffer);
      const reply = { job: request.job, compression: flag, stored: { buffer: stored.buffer as ArrayBuffer, offset: 0, length: stored.length }, returned: buffer };
      return { reply, transfer };
    }
    case 'digest': {
      const digest = createHash('sha256').update(new Uint8Array(request.buffer, request.offset, request.length)).digest('hex');
      transfer.push(request.buffer);
      return { reply: { job: request.job, digest, returned: request.buffer }, transfer };
    }
    case 'recycle':
    case 'keys':
      throw new Error(`${request.op} has no reply`);
    case 'open': {
      const results = request.blobs.map((blob) => {
        const opened = openChunkSync(keys, blob, new Uint8Array(request.buffer, blob.at, blob.storedLength), request.recomputeIds);
        if (typeof opened === 'string') return opened;
        if (request.verifyOnly) return null;
        // A raw unencrypted blob is a view of the request's buffer: copy it out.
        return handOver(opened.buffer === request.buffer ? Buffer.from(opened) : opened, transfer);
      });
      return { reply: { job: request.job, results }, transfer };
    }
  }
}

port.on('message', (request: CodecRequest) => {
  if (request.op === 'keys') {
    // Only a thread started without keys takes them, and only once: keys cannot change under jobs.
    if (awaitingKeys) keys = request.keys;
    awaitingKeys = false;
    return;
  }
  if (awaitingKeys) {
    port.postMessage({ job: request.job, failure: 'the codec thread has no keys yet' });
    return;
  }
  if (request.op === 'recycle') {
    spareOutputs.push(request.buffer);
    // Too many: drop the smallest, which fits the fewest blobs.
    if (spareOutputs.length > KEEP_SPARE_OUTPUTS) spareOutputs.sort((a, b) => b.byteLength - a.byteLength).pop();
    return;
  }
  handle(request).then(
    (answer) => port.postMessage(answer.reply, answer.transfer),
    (error: unknown) => port.postMessage({ job: request.job, failure: (error as Error).message }),
  );
});
