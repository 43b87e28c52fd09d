/**
 * Reusable buffers for chunks on the write path.
 *
 * Why: a fresh 1–4 MiB Buffer per chunk is external memory to V8, and external memory growth is
 * what triggers its full (mark-compact) collections: profiling a 256 MiB backup showed about 30
 * of them, a fifth of the CPU time. Chunks live only until they are hashed, compressed and sealed,
 * so a handful of buffers of the chunker's `maxSize` serve a whole backup.
 */
export class ChunkBufferPool {
  private readonly bufferSize: number;
  private readonly keep: number;
  private readonly free: ArrayBuffer[] = [];
  /** Buffers this pool made; anything else given to `release` is ignored. */
  private readonly owned = new WeakSet<ArrayBufferLike>();

  /** `bufferSize` is the largest chunk; at most `keep` idle buffers are kept for reuse. */
  constructor(bufferSize: number, keep: number) {
    this.bufferSize = bufferSize;
    this.keep = keep;
  }

  /** A buffer of `length` bytes (uninitialized) to hold one chunk until `release`. */
  acquire(length: number): Buffer {
    if (length > this.bufferSize) return Buffer.allocUnsafeSlow(length);
    let backing = this.free.pop();
    if (!backing) {
      backing = new ArrayBuffer(this.bufferSize);
      this.owned.add(backing);
    }
    return Buffer.from(backing, 0, length);
  }

  /** Whether `chunk` lives in a buffer of this pool (which may then move to a worker thread). */
  owns(chunk: Uint8Array): boolean {
    return this.owned.has(chunk.buffer);
  }

  /** Gives a chunk's buffer back; the caller must not touch `chunk` afterwards. */
  release(chunk: Uint8Array): void {
    if (this.owned.has(chunk.buffer)) this.keepForReuse(chunk.buffer as ArrayBuffer);
  }

  /**
   * Takes back a pool buffer that moved to a worker thread and returned: transferring an
   * ArrayBuffer makes a new object, so it is recognised by its size.
   */
  adopt(buffer: ArrayBuffer): void {
    if (buffer.byteLength !== this.bufferSize) return;
    this.owned.add(buffer);
    this.keepForReuse(buffer);
  }

  private keepForReuse(buffer: ArrayBuffer): void {
    if (this.free.length < this.keep && !this.free.includes(buffer)) this.free.push(buffer);
  }

  /** Drops the idle buffers (for the garbage collector). */
  clear(): void {
    this.free.length = 0;
  }
}
