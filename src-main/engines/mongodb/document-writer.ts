import { BSON } from 'bson';
import { WriteConcern, type Db, type Document } from 'mongodb';
import { z } from 'zod';
import { EngineError } from '../engine-error.ts';
import { AdaptiveWindow } from './adaptive-window.ts';
import { DRIVER_VERSION } from './driver-version.ts';
import type { RateBudget } from './rate-budget.ts';
import { RawDocumentSequence, installRawDocumentSequences } from './raw-document-sequence.ts';
import { DUPLICATE_KEY, type ThrottleStats, isRetryable, pauseForRetry } from './throttling.ts';

const BATCH_DOCUMENTS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Options that keep every value's BSON type through a decode and re-encode: int32 stays int32,
 * a double stays a double, an int64 stays an int64, a regex keeps its flags as written.
 */
const EXACT_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** The collection documents go into. */
export interface InsertTarget {
  db: Db;
  collection: string;
}

export interface WriteOptions {
  signal: AbortSignal;
  stats: ThrottleStats;
  budget: RateBudget;
  /** Batches written at once at most (the window adapts below it). */
  maxConcurrency: number;
  /** Skip the target's validator, as the source's documents may predate it (not on Cosmos RU). */
  bypassValidation: boolean;
  onBytes(bytes: number): void;
  /** Called once every document was read and handed to a batch; only the batches in flight remain. */
  onAllSubmitted?(): void;
}

/** An `insert` command's reply (ok: 1): how many documents landed, and those refused, by their index in the request. */
const insertReplySchema = z.object({
  n: z.number().int().nonnegative(),
  writeErrors: z.array(z.object({ index: z.number().int().nonnegative(), code: z.number(), errmsg: z.string().optional() })).optional(),
  writeConcernError: z.object({ code: z.number(), errmsg: z.string().optional() }).optional(),
});

/**
 * How a batch's documents travel: as the stored BSON itself, in a document sequence, when the
 * driver can carry it (no decode, no re-encode: the restore's main cost otherwise); else decoded
 * with their exact types, as objects the driver encodes again.
 */
function documentsField(documents: Buffer[], raw: boolean): RawDocumentSequence | BSON.Document[] {
  return raw ? new RawDocumentSequence(documents) : documents.map((document) => BSON.deserialize(document, EXACT_TYPES));
}

/**
 * Inserts one batch unordered and returns how many documents the server acknowledged as written.
 * Documents the server throttled or timed out are retried alone after its delay; a duplicate key
 * on a retry means the earlier attempt did land (counted, not written twice); any other write
 * error fails the restore.
 */
async function insertBatch(target: InsertTarget, documents: Buffer[], raw: boolean, options: WriteOptions, window: AdaptiveWindow): Promise<number> {
  const namespace = `${target.db.databaseName}.${target.collection}`;
  // Each document, and whether an earlier attempt may have written it (a whole request that
  // failed, e.g. timed out, may have landed): only then is a duplicate key on a retry its own echo.
  let pending = documents.map((document) => ({ document, mayHaveLanded: false }));
  let written = 0;
  for (let attempt = 0; pending.length; attempt++) {
    const command: Document = {
      insert: target.collection,
      documents: documentsField(
        pending.map((item) => item.document),
        raw,
      ),
      ordered: false,
      ...(options.bypassValidation ? { bypassDocumentValidation: true } : {}),
    };
    // db.command does not apply the connection string's write concern as insertMany does.
    if (target.db.writeConcern) WriteConcern.apply(command, target.db.writeConcern);
    let answer: unknown;
    try {
      answer = await target.db.command(command);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      pending = pending.map((item) => ({ ...item, mayHaveLanded: true }));
      window.throttled();
      await pauseForRetry(error, attempt, options.stats, options.signal);
      continue;
    }
    const reply = insertReplySchema.safeParse(answer);
    if (!reply.success) throw new EngineError('tool_failed', `The server answered an insert into ${namespace} with a reply of an unexpected shape (${reply.error.issues[0]?.path.join('.') || 'reply'}: ${reply.error.issues[0]?.message}).`);
    const { n, writeErrors = [], writeConcernError } = reply.data;
    if (writeConcernError) throw new EngineError('tool_failed', `Writing into ${namespace} did not meet the write concern: ${writeConcernError.errmsg ?? `error ${writeConcernError.code}`}`);
    const itemAt = (index: number) => {
      const item = pending[index];
      if (!item) throw new EngineError('tool_failed', `The server reported a write error for document ${index} of an insert of ${pending.length} into ${namespace}.`);
      return item;
    };
    const echo = (error: { index: number; code: number }) => error.code === DUPLICATE_KEY && itemAt(error.index).mayHaveLanded;
    const fatal = writeErrors.find((error) => !isRetryable(error) && !echo(error));
    if (fatal) throw new EngineError('tool_failed', `Writing into ${namespace} failed: ${fatal.errmsg ?? `error ${fatal.code}`}`);
    // Written now, plus those an earlier attempt had written (they come back as duplicates).
    written += n + writeErrors.filter(echo).length;
    const throttled = writeErrors.filter((error) => isRetryable(error));
    if (!throttled.length) {
      if (attempt === 0) window.clean();
      return written;
    }
    // Only the documents the server throttled or timed out go again.
    pending = throttled.map((error) => itemAt(error.index));
    window.throttled();
    await pauseForRetry(throttled[0], attempt, options.stats, options.signal);
  }
  return written;
}

/**
 * Streams BSON documents (a stored entry's, see stored-documents.ts) into a collection: batched,
 * inserted unordered by an adaptive number of concurrent batches within the budget. Returns the
 * documents read, their BSON bytes, and the documents the server acknowledged as written.
 */
export async function writeDocuments(target: InsertTarget, source: AsyncIterable<Buffer>, options: WriteOptions): Promise<{ read: number; bytes: number; written: number }> {
  const raw = installRawDocumentSequences(DRIVER_VERSION);
  const window = new AdaptiveWindow(Math.min(2, options.maxConcurrency), options.maxConcurrency);
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let count = 0;
  let bytes = 0;
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
      const acknowledged = await insertBatch(target, documents, raw, options, window);
      written += acknowledged;
      options.onBytes(bytes);
    });
  };
  try {
    for await (const document of source) {
      // A batch stays within its bytes (a 16 MiB document goes alone rather than overfill one).
      if (batch.length && batchBytes + document.length > BATCH_BYTES) await flush();
      batch.push(document);
      batchBytes += document.length;
      bytes += document.length;
      count++;
      if (batch.length >= BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) await flush();
    }
    if (batch.length) await flush();
    options.onAllSubmitted?.();
  } catch (error) {
    // Batches already sent finish (or fail) before the error is reported: nothing writes later.
    await window.drain().catch(() => undefined);
    throw error;
  }
  await window.drain();
  return { read: count, bytes, written };
}
