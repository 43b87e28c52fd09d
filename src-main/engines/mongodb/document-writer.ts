import { BSON, type Document } from 'bson';
import { MongoBulkWriteError, type Collection } from 'mongodb';
import { EngineError } from '../engine-error.ts';
import { AdaptiveWindow } from './adaptive-window.ts';
import { bsonDocuments } from './bson-stream.ts';
import type { RateBudget } from './rate-budget.ts';
import { DUPLICATE_KEY, type ThrottleStats, isRetryable, pauseForRetry } from './throttling.ts';

const BATCH_DOCUMENTS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Options that keep every value's BSON type through a decode and re-encode: int32 stays int32,
 * a double stays a double, an int64 stays an int64, a regex keeps its flags as written.
 */
const EXACT_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

export interface WriteOptions {
  signal: AbortSignal;
  stats: ThrottleStats;
  budget: RateBudget;
  /** Batches written at once at most (the window adapts below it). */
  maxConcurrency: number;
  /** Skip the target's validator, as the source's documents may predate it (not on Cosmos RU). */
  bypassValidation: boolean;
  onBytes(bytes: number): void;
}

/**
 * Inserts one batch unordered and returns how many documents the server acknowledged as written.
 * Documents the server throttled or timed out are retried alone after its delay; a duplicate key
 * on a retry means the earlier attempt did land (counted, not written twice); any other write
 * error fails the restore.
 */
async function insertBatch(collection: Collection, documents: Document[], options: WriteOptions, window: AdaptiveWindow): Promise<number> {
  let pending = documents;
  let written = 0;
  for (let attempt = 0; pending.length; attempt++) {
    try {
      const result = await collection.insertMany(pending, { ordered: false, bypassDocumentValidation: options.bypassValidation || undefined });
      if (attempt === 0) window.clean();
      return written + result.insertedCount;
    } catch (error) {
      let retry: Document[];
      if (error instanceof MongoBulkWriteError && Array.isArray(error.writeErrors) && error.writeErrors.length) {
        const failed = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).map((writeError) => ({ index: writeError.index, code: writeError.code, message: writeError.errmsg }));
        const fatal = failed.find((item) => !isRetryable(item) && !(attempt > 0 && item.code === DUPLICATE_KEY));
        if (fatal) throw new EngineError('tool_failed', `Writing into ${collection.namespace} failed: ${fatal.message ?? `error ${fatal.code}`}`);
        // Written now, plus those an earlier, timed-out attempt had written (they come back as duplicates).
        written += error.insertedCount + failed.filter((item) => item.code === DUPLICATE_KEY).length;
        retry = failed.filter((item) => isRetryable(item)).map((item) => pending[item.index]!);
        if (!retry.length) return written;
        const first = failed.find((item) => isRetryable(item))!;
        window.throttled();
        await pauseForRetry({ code: first.code, errmsg: first.message }, attempt, options.stats, options.signal);
      } else {
        if (!isRetryable(error)) throw error;
        // The whole request was refused or timed out: some documents may have landed (error 50);
        // they come back as duplicate keys on the retry and count as written.
        retry = pending;
        window.throttled();
        await pauseForRetry(error, attempt, options.stats, options.signal);
      }
      pending = retry;
    }
  }
  return written;
}

/**
 * Streams a stored `.bson` entry into a collection: documents decoded with their exact types,
 * batched, inserted unordered by an adaptive number of concurrent batches within the budget.
 * Returns the documents read and those the server acknowledged as written.
 */
export async function writeDocuments(collection: Collection, data: AsyncIterable<Uint8Array>, options: WriteOptions): Promise<{ read: number; written: number }> {
  const window = new AdaptiveWindow(Math.min(2, options.maxConcurrency), options.maxConcurrency);
  let batch: Document[] = [];
  let batchBytes = 0;
  let count = 0;
  let written = 0;
  const flush = async () => {
    const documents = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    await options.budget.spend(documents.length, bytes, options.signal);
    await window.submit(async () => {
      // Awaited first, then added: `written += await …` would add to a total read before the await,
      // losing what the batches running meanwhile added.
      const acknowledged = await insertBatch(collection, documents, options, window);
      written += acknowledged;
      options.onBytes(bytes);
    });
  };
  try {
    for await (const raw of bsonDocuments(data)) {
      batch.push(BSON.deserialize(raw, EXACT_TYPES));
      batchBytes += raw.length;
      count++;
      if (batch.length >= BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) await flush();
    }
    if (batch.length) await flush();
  } catch (error) {
    // Batches already sent finish (or fail) before the error is reported: nothing writes later.
    await window.drain().catch(() => undefined);
    throw error;
  }
  await window.drain();
  return { read: count, written };
}
