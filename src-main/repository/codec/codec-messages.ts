import type { BlobShape, CodecKeys } from './blob-transforms.ts';

/** Messages between BlobCodecPool and its worker threads (codec-worker.ts). */

/** Given to each worker at start (in memory only: keys never touch disk, argv or the environment). */
export interface CodecWorkerData {
  keys: CodecKeys | undefined;
  /** Started before the repository's keys were known (prestartCodecThread): they come by a `keys` message, before any job. */
  keysByMessage?: boolean;
}

/** The keys of a thread started early; the first message such a thread gets, and only once. */
export interface KeysRequest {
  op: 'keys';
  job: 0;
  keys: CodecKeys | undefined;
}

/**
 * Hash one chunk, `buffer[offset, offset + length)`, and hold it under `job` until a `seal` or
 * a `drop` for the same job: the writer decides on dedup between the two.
 */
export interface HashRequest {
  op: 'hash';
  job: number;
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

/** Compress and seal the chunk held under `job`; its buffer is handed back. */
export interface SealRequest {
  op: 'seal';
  job: number;
  zstdLevel: number;
}

/** Forget the chunk held under `job` (a duplicate); its buffer is handed back. */
export interface DropRequest {
  op: 'drop';
  job: number;
}

/** Open and verify several blobs that lie in `buffer`; `offsets` are where each starts in it. */
export interface OpenRequest {
  op: 'open';
  job: number;
  buffer: ArrayBuffer;
  blobs: (BlobShape & { at: number })[];
  /** Verify only: the reply carries no chunk bytes (`null` for each good blob). */
  verifyOnly: boolean;
  /** Recompute each chunk's id (always done when unencrypted; see openChunkSync). */
  recomputeIds: boolean;
}

/** An output buffer of an earlier seal, handed back so the worker writes the next one into it. */
export interface RecycleRequest {
  op: 'recycle';
  job: 0;
  buffer: ArrayBuffer;
}

/** Plain SHA-256 of `buffer[offset, offset + length)` (a pack's id, §8); the buffer is handed back. */
export interface DigestRequest {
  op: 'digest';
  job: number;
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

export type CodecRequest = HashRequest | SealRequest | DropRequest | OpenRequest | RecycleRequest | DigestRequest | KeysRequest;

/** Bytes handed across threads: a whole ArrayBuffer (transferred) and the view's place in it. */
export interface BytesView {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

export interface HashReply {
  job: number;
  id: string;
}

export interface SealReply {
  job: number;
  compression: number;
  stored: BytesView;
  /** The request's buffer, handed back for reuse. */
  returned: ArrayBuffer;
}

export interface DropReply {
  job: number;
  returned: ArrayBuffer;
}

export interface OpenReply {
  job: number;
  /** Per blob, in request order: the chunk, or why it is unusable. */
  results: (BytesView | string | null)[];
}

export interface DigestReply {
  job: number;
  /** Hex. */
  digest: string;
  returned: ArrayBuffer;
}

export interface FailedReply {
  job: number;
  failure: string;
}

export type CodecReply = HashReply | SealReply | DropReply | OpenReply | DigestReply | FailedReply;
