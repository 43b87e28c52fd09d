import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CorruptDataError } from '../errors.ts';
import { COMPRESSION_NONE, COMPRESSION_ZSTD } from '../format/compression.ts';
import type { CompressionFlag } from '../format/compression.ts';
import type { BlobShape, CodecKeys } from './blob-transforms.ts';
import type { BytesView, CodecReply, CodecRequest, CodecWorkerData, KeysRequest, OpenRequest } from './codec-messages.ts';

/**
 * The worker's entry file. Run from source (CLI, service, tests) it sits next to this file; the
 * Electron bundle builds it as `out/main/codec-worker.js` and says so with useCodecWorkerEntry.
 */
let workerEntry = new URL('./codec-worker.ts', import.meta.url);

/** Points codec workers at another entry file (the bundled one in the desktop app). */
export function useCodecWorkerEntry(entry: URL): void {
  workerEntry = entry;
}

/** Idle workers are stopped after this long, so an idle app holds no threads. */
const IDLE_MS = 3000;

/** A thread started before any pool needed it (prestartCodecThread), waiting for its keys. */
let spareThread: Worker | undefined;

/**
 * Starts a codec thread now, for the first pool that needs one to take over with its keys. A
 * thread takes 30–40 ms to start (an isolate and its modules); the worker agent calls this when its
 * job arrives, so the thread starts while the repository's key is derived (scrypt, about 0.1 s)
 * instead of after it. Unused, it stops after the idle time. Returns the thread's id (the spare
 * already waiting, if there is one).
 */
export function prestartCodecThread(): number {
  if (spareThread) return spareThread.threadId;
  const workerData: CodecWorkerData = { keys: undefined, keysByMessage: true };
  const worker = new Worker(workerEntry, { workerData, env: {}, stdout: false, stderr: false });
  const forget = () => {
    if (spareThread === worker) spareThread = undefined;
  };
  worker.once('error', forget);
  worker.once('exit', forget);
  worker.unref();
  setTimeout(() => {
    if (spareThread !== worker) return;
    spareThread = undefined;
    void worker.terminate();
  }, IDLE_MS).unref();
  spareThread = worker;
  return worker.threadId;
}

/** The spare thread, given `keys` (its first message), or undefined when there is none. */
function adoptSpareThread(keys: CodecKeys | undefined): Worker | undefined {
  const worker = spareThread;
  spareThread = undefined;
  if (!worker) return undefined;
  worker.removeAllListeners();
  const request: KeysRequest = { op: 'keys', job: 0, keys };
  worker.postMessage(request);
  return worker;
}

/** A blob to open, and where it starts in the bytes given to `openRun`. */
export interface RunBlob extends BlobShape {
  offset: number;
}

/** How `openRun` verifies. */
export interface OpenOptions {
  /** Return no bytes, only verdicts. */
  verifyOnly?: boolean;
  /**
   * Recompute each chunk's id (default true). Restores from an encrypted repository skip it: the
   * GCM tag with the id as associated data already binds the bytes to the id (format §5.3).
   */
  recomputeIds?: boolean;
}

/** A chunk hashed by a worker, which holds it until `seal` or `drop`. */
export interface HeldChunk {
  id: string;
  /** Compresses and seals the chunk. */
  seal(zstdLevel: number): Promise<SealedChunk>;
  /** Forgets the chunk (a duplicate); resolves to its buffer when it was given away. */
  drop(): Promise<ArrayBuffer | undefined>;
}

/** A sealed chunk, and the chunk's own buffer handed back (when it was given away). */
export interface SealedChunk {
  compression: CompressionFlag;
  stored: Buffer;
  returned: ArrayBuffer | undefined;
}

interface PendingJob {
  resolve: (reply: CodecReply) => void;
  reject: (error: Error) => void;
}

interface CodecThread {
  worker: Worker;
  jobs: Map<number, PendingJob>;
  /** Chunks hashed and held there, awaiting seal or drop. */
  holding: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Whether `bytes`' ArrayBuffer may move to a worker: only when the caller gives it away, and never
 * Node's shared pool of small Buffers (8 KiB), which other Buffers live in.
 */
function movable(bytes: Buffer, giveAway: boolean): boolean {
  return giveAway && bytes.buffer instanceof ArrayBuffer && bytes.buffer.byteLength > 64 * 1024;
}

function viewOf(bytes: BytesView): Buffer {
  return Buffer.from(bytes.buffer, bytes.offset, bytes.length);
}

/**
 * Runs the per-blob work of the data path — compressing and sealing new chunks, opening and
 * verifying stored blobs — on a few worker threads.
 *
 * Why threads: profiling showed the main thread limiting both backup and restore (each chunk
 * made several thread-pool round trips through zlib streams and WebCrypto, with copies and
 * garbage per step). Here a chunk crosses to a worker once, without a copy (its ArrayBuffer is
 * transferred), and comes back sealed or verified. Workers start on first use and stop when idle.
 */
export class BlobCodecPool {
  private readonly keys: CodecKeys | undefined;
  private readonly size: number;
  private readonly threads: CodecThread[] = [];
  private nextJob = 1;

  constructor(keys: CodecKeys | undefined, size = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    this.keys = keys;
    this.size = size;
  }

  /**
   * Hashes `chunk` on a worker, which then holds it until the caller seals or drops it (the dedup
   * decision needs the id). With `giveAway`, the chunk's whole ArrayBuffer moves to the worker
   * (the chunk reads as empty afterwards) and comes back from `seal` or `drop`; otherwise its
   * bytes are copied. Exactly one of `seal` or `drop` must follow.
   */
  async hold(chunk: Buffer, giveAway: boolean): Promise<HeldChunk> {
    const moved = movable(chunk, giveAway);
    const buffer = moved ? (chunk.buffer as ArrayBuffer) : new Uint8Array(chunk).buffer;
    const offset = moved ? chunk.byteOffset : 0;
    const thread = this.pickThread();
    thread.holding++;
    let reply: CodecReply;
    try {
      reply = await this.send(thread, { op: 'hash', job: 0, buffer, offset, length: chunk.length }, [buffer]);
    } catch (error) {
      thread.holding--;
      throw error;
    }
    const job = reply.job;
    if (!('id' in reply)) {
      thread.holding--;
      throw new Error('failure' in reply ? `hashing a chunk failed: ${reply.failure}` : 'codec worker answered out of protocol');
    }
    let settled = false;
    const finish = async (request: CodecRequest): Promise<CodecReply> => {
      if (settled) throw new Error('a held chunk is sealed or dropped once');
      settled = true;
      try {
        return await this.send(thread, request, []);
      } finally {
        thread.holding--;
        if (thread.jobs.size === 0 && thread.holding === 0) this.idle(thread);
      }
    };
    return {
      id: reply.id,
      seal: async (zstdLevel) => {
        const sealed = await finish({ op: 'seal', job, zstdLevel });
        if ('failure' in sealed) throw new Error(`sealing chunk ${reply.id} failed: ${sealed.failure}`);
        if (!('stored' in sealed)) throw new Error('codec worker answered out of protocol');
        if (sealed.compression !== COMPRESSION_NONE && sealed.compression !== COMPRESSION_ZSTD) throw new Error('codec worker answered out of protocol');
        return { compression: sealed.compression, stored: viewOf(sealed.stored), returned: moved ? sealed.returned : undefined };
      },
      drop: async () => {
        const dropped = await finish({ op: 'drop', job });
        return 'returned' in dropped && moved ? dropped.returned : undefined;
      },
    };
  }

  /**
   * Opens and verifies blobs that lie in `bytes` (blob `offset`s are relative to `bytes`). With
   * `giveAway`, nothing else may use `bytes`' ArrayBuffer, which moves to a worker; otherwise the
   * bytes are copied. Each result is the verified chunk or a CorruptDataError naming `file`.
   */
  async openRun(file: string, bytes: Buffer, blobs: readonly RunBlob[], giveAway: boolean, options?: OpenOptions & { verifyOnly?: false }): Promise<(Buffer | CorruptDataError)[]>;
  /** With `verifyOnly`, good blobs come back as `null`: nothing but the verdict crosses back. */
  async openRun(file: string, bytes: Buffer, blobs: readonly RunBlob[], giveAway: boolean, options: OpenOptions & { verifyOnly: true }): Promise<(null | CorruptDataError)[]>;
  async openRun(file: string, bytes: Buffer, blobs: readonly RunBlob[], giveAway: boolean, options?: OpenOptions): Promise<(Buffer | null | CorruptDataError)[]> {
    const moved = movable(bytes, giveAway);
    const buffer = moved ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
    const base = moved ? bytes.byteOffset : 0;
    const request: OpenRequest = {
      op: 'open',
      job: 0,
      buffer,
      blobs: blobs.map((blob) => ({ id: blob.id, storedLength: blob.storedLength, rawLength: blob.rawLength, compression: blob.compression, at: base + blob.offset })),
      verifyOnly: options?.verifyOnly ?? false,
      recomputeIds: options?.recomputeIds ?? true,
    };
    for (const blob of blobs) {
      if (blob.offset < 0 || blob.offset + blob.storedLength > bytes.length) throw new CorruptDataError(file, `blob ${blob.id} is truncated`, { chunkId: blob.id });
    }
    const reply = await this.send(this.pickThread(), request, [buffer]);
    if ('failure' in reply) throw new Error(`opening blobs of ${file} failed: ${reply.failure}`);
    if (!('results' in reply)) throw new Error('codec worker answered out of protocol');
    return reply.results.map((result, i) =>
      typeof result === 'string' ? new CorruptDataError(file, `blob ${blobs[i]!.id} ${result}`, { chunkId: blobs[i]!.id }) : result && viewOf(result),
    );
  }

  /**
   * SHA-256 of `bytes` (hex) on a worker, and the same bytes back. With `giveAway`, `bytes`'
   * ArrayBuffer moves there and back without a copy (the returned view replaces `bytes`, which
   * reads as empty meanwhile); otherwise they are copied. Why not WebCrypto's digest on the
   * thread pool: it copies its input, a transient 16 MiB per pack (measured: about 45 MB of peak
   * RSS in a backup).
   */
  async digest(bytes: Buffer, giveAway: boolean): Promise<{ digest: string; bytes: Buffer }> {
    const moved = movable(bytes, giveAway);
    const buffer = moved ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
    const offset = moved ? bytes.byteOffset : 0;
    const length = bytes.length;
    const reply = await this.send(this.pickThread(), { op: 'digest', job: 0, buffer, offset, length }, [buffer]);
    if ('failure' in reply) throw new Error(`hashing a pack failed: ${reply.failure}`);
    if (!('digest' in reply)) throw new Error('codec worker answered out of protocol');
    return { digest: reply.digest, bytes: moved ? Buffer.from(reply.returned, offset, length) : bytes };
  }

  /**
   * Hands the buffer of a sealed blob back once its bytes are copied elsewhere (the caller must
   * not use `stored` afterwards): a worker writes a later blob into it.
   */
  recycle(stored: Buffer): void {
    const buffer = stored.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength <= 64 * 1024) return;
    const thread = this.threads.find((candidate) => candidate.jobs.size + candidate.holding > 0) ?? this.threads[0];
    thread?.worker.postMessage({ op: 'recycle', job: 0, buffer }, [buffer]);
  }

  /** Ids of the threads running now (diagnostics). */
  get threadIds(): number[] {
    return this.threads.map((thread) => thread.worker.threadId);
  }

  /** Stops every worker now; jobs in flight fail. */
  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((thread) => this.stop(thread, new Error('the codec was closed'))));
  }

  /** Sends a request to `thread`; a request without a job number gets a new one. */
  private send(thread: CodecThread, request: CodecRequest, transfer: ArrayBuffer[]): Promise<CodecReply> {
    if (request.job === 0) request.job = this.nextJob++;
    const job = request.job;
    return new Promise<CodecReply>((resolve, reject) => {
      if (!this.threads.includes(thread)) {
        reject(new Error('the codec worker holding this chunk has stopped'));
        return;
      }
      if (thread.jobs.size === 0) {
        clearTimeout(thread.idleTimer);
        thread.worker.ref();
      }
      thread.jobs.set(job, { resolve, reject });
      thread.worker.postMessage(request, transfer);
    });
  }

  /** The least busy thread, or a new one while there is room and every thread has work. */
  private pickThread(): CodecThread {
    const load = (thread: CodecThread) => thread.jobs.size + thread.holding;
    let best: CodecThread | undefined;
    for (const thread of this.threads) if (!best || load(thread) < load(best)) best = thread;
    if (best && (load(best) === 0 || this.threads.length >= this.size)) return best;
    return this.startThread();
  }

  private startThread(): CodecThread {
    const workerData: CodecWorkerData = { keys: this.keys };
    const worker = adoptSpareThread(this.keys) ?? new Worker(workerEntry, { workerData, env: {}, stdout: false, stderr: false });
    const thread: CodecThread = { worker, jobs: new Map(), holding: 0, idleTimer: undefined };
    worker.on('message', (reply: CodecReply) => {
      const pending = thread.jobs.get(reply.job);
      if (!pending) return;
      thread.jobs.delete(reply.job);
      if (thread.jobs.size === 0 && thread.holding === 0) this.idle(thread);
      pending.resolve(reply);
    });
    worker.on('error', (error) => this.lose(thread, error));
    worker.on('exit', (code) => this.lose(thread, new Error(`codec worker stopped (exit code ${code})`)));
    this.threads.push(thread);
    return thread;
  }

  /** No job left: let the process exit without it, and stop it if it stays idle. */
  private idle(thread: CodecThread): void {
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => {
      const at = this.threads.indexOf(thread);
      if (at >= 0 && thread.jobs.size === 0 && thread.holding === 0) {
        this.threads.splice(at, 1);
        void this.stop(thread, new Error('idle'));
      }
    }, IDLE_MS).unref();
  }

  /** A worker died: fail its jobs; the next job starts a new worker. */
  private lose(thread: CodecThread, error: Error): void {
    const at = this.threads.indexOf(thread);
    if (at >= 0) this.threads.splice(at, 1);
    clearTimeout(thread.idleTimer);
    for (const pending of thread.jobs.values()) pending.reject(error);
    thread.jobs.clear();
  }

  private async stop(thread: CodecThread, reason: Error): Promise<void> {
    clearTimeout(thread.idleTimer);
    for (const pending of thread.jobs.values()) pending.reject(reason);
    thread.jobs.clear();
    await thread.worker.terminate();
  }
}
