import { createServer, connect, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'bson';
import { seededRandom } from './seeded-random.ts';

/**
 * A fault-injecting MongoDB wire proxy: it stands between the driver and a real server and does
 * what no server here does — Cosmos DB for MongoDB RU throttling (error 16500 with and without
 * `RetryAfterMs`), time limits (error 50, after the server did the work), partial bulk-write
 * failures, dropped connections, and a `hello` lowered to wire version 6/7 (Cosmos RU API 3.6/4.0).
 * Faults come from a seeded generator, so a run is repeatable.
 */
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

/** Commands that are never faulted: the handshake, authentication and cursor cleanup. */
const SPARED = new Set(['hello', 'ismaster', 'isMaster', 'saslStart', 'saslContinue', 'ping', 'endSessions', 'killCursors', 'buildInfo', 'buildinfo', 'getnonce', 'getParameter']);

export interface FaultPlan {
  seed?: number;
  /** Share of faultable commands answered with 16500 (throttled) instead of being forwarded. */
  throttle?: number;
  /** Of those, the share whose message carries `RetryAfterMs` (default 0.5). */
  withRetryAfter?: number;
  /** Share of inserts forwarded whole but answered with error 50 (the documents did land). */
  timeLimit?: number;
  /** Share of inserts of which some documents are held back and reported as throttled write errors. */
  partialBulk?: number;
  /** Share of faultable commands whose connection is dropped instead of answered. */
  drop?: number;
  /** The `maxWireVersion` every hello reply reports (6: Cosmos RU API 3.6; 7: 4.0). */
  wireVersion?: number;
  /** Only these commands are faulted (default: all but the spared ones). */
  commands?: string[];
  /**
   * Answers what only Cosmos DB for MongoDB RU has (FerretDB has neither): the `GetCollection`
   * custom action, with the shard key given here for `db.collection` (none for others), and
   * `shardCollection`, acknowledged without sharding anything.
   */
  cosmos?: { shardKeys: Record<string, Document> };
  /** This many inserts (the next ones) land whole but their replies report one document fewer: a server that loses an acknowledgement. */
  understatedInserts?: number;
}

/** A command as the proxy saw it, in order: its name and the `db.collection` it is about (the database alone for others). */
export interface LoggedCommand {
  name: string;
  namespace: string;
  /** shardCollection: the key asked for. */
  key?: Document;
}

export interface FaultCounts {
  throttled: number;
  throttledWithRetryAfter: number;
  timeLimits: number;
  partialBulks: number;
  heldBackDocuments: number;
  dropped: number;
  forwarded: number;
  helloRewritten: number;
  /** Inserts whose documents came in a document sequence (a kind 1 section), and inside the command's body. */
  insertsAsSequence: number;
  insertsInBody: number;
  /** The write concern of every insert, as sent (JSON; 'none' when it had none). */
  insertWriteConcerns: Set<string>;
  /** The `ordered` flag of every insert, as sent ('none' when it had none: the server's default is ordered). */
  insertOrdering: Set<string>;
}

export interface MongoFaultProxy {
  port: number;
  counts: FaultCounts;
  /** Every command after the handshake, in the order it arrived (the test empties it as it likes). */
  commands: LoggedCommand[];
  /** Changes the faults for new commands (e.g. none while a test sets data up). */
  setPlan(plan: FaultPlan): void;
  stop(): Promise<void>;
}

/** Cuts whole wire messages off a byte stream. */
class MessageFramer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32LE(0);
      if (this.pending.length < length) break;
      out.push(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
    }
    return out;
  }
}

interface ParsedMsg {
  requestId: number;
  flags: number;
  body: Document;
  sequences: { identifier: string; documents: Buffer[] }[];
}

function parseOpMsg(message: Buffer): ParsedMsg {
  const requestId = message.readInt32LE(4);
  const flags = message.readUInt32LE(16);
  const end = flags & 1 ? message.length - 4 : message.length;
  let offset = 20;
  let body: Document = {};
  const sequences: ParsedMsg['sequences'] = [];
  while (offset < end) {
    const kind = message[offset]!;
    offset++;
    if (kind === 0) {
      const length = message.readInt32LE(offset);
      body = BSON.deserialize(message.subarray(offset, offset + length), { promoteValues: false, promoteLongs: false, bsonRegExp: true });
      offset += length;
    } else {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      let at = offset + 4;
      const zero = message.indexOf(0, at);
      const identifier = message.toString('utf8', at, zero);
      at = zero + 1;
      const documents: Buffer[] = [];
      while (at < sectionEnd) {
        const length = message.readInt32LE(at);
        documents.push(message.subarray(at, at + length));
        at += length;
      }
      sequences.push({ identifier, documents });
      offset = sectionEnd;
    }
  }
  return { requestId, flags, body, sequences };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeInt32LE(length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
  return out;
}

let nextRequestId = 1_000_000;

/** An OP_MSG with one body section (and document sequences). */
function buildOpMsg(body: Document, responseTo: number, sequences: { identifier: string; documents: Buffer[] }[] = [], requestId = nextRequestId++): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4), Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const sequence of sequences) {
    const name = Buffer.from(`${sequence.identifier}\0`, 'utf8');
    const docs = Buffer.concat(sequence.documents);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + name.length + docs.length);
    parts.push(Buffer.from([1]), size, name, docs);
  }
  const payload = Buffer.concat(parts);
  return Buffer.concat([header(16 + payload.length, requestId, responseTo, OP_MSG), payload]);
}

function commandName(body: Document): string {
  return Object.keys(body)[0] ?? '';
}

/** Rewrites the `maxWireVersion` of a hello/isMaster reply (OP_MSG or OP_REPLY). */
function lowerWireVersion(message: Buffer, wireVersion: number): Buffer {
  const opCode = message.readInt32LE(12);
  const requestId = message.readInt32LE(4);
  const responseTo = message.readInt32LE(8);
  if (opCode === OP_MSG) {
    const parsed = parseOpMsg(message);
    if (parsed.body.maxWireVersion === undefined) return message;
    const body = { ...parsed.body, maxWireVersion: new BSON.Int32(wireVersion) };
    return buildOpMsg(body, responseTo, parsed.sequences, requestId);
  }
  if (opCode === OP_REPLY) {
    const prefix = message.subarray(16, 36);
    const documentLength = message.readInt32LE(36);
    const document = BSON.deserialize(message.subarray(36, 36 + documentLength), { promoteValues: false });
    if (document.maxWireVersion === undefined) return message;
    const rewritten = Buffer.from(BSON.serialize({ ...document, maxWireVersion: new BSON.Int32(wireVersion) }));
    const body = Buffer.concat([prefix, rewritten]);
    return Buffer.concat([header(16 + body.length, requestId, responseTo, OP_REPLY), body]);
  }
  return message;
}

function throttledReply(responseTo: number, retryAfterMs: number | undefined): Buffer {
  const errmsg = retryAfterMs === undefined ? 'Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later.' : `Error=16500, RetryAfterMs=${retryAfterMs}, Details='Response status code does not indicate success: TooManyRequests (429)'`;
  return buildOpMsg({ ok: 0, errmsg, code: 16500, codeName: 'RequestRateTooLarge' }, responseTo);
}

/** Starts the proxy on a random loopback port in front of `upstreamPort`. */
export async function startMongoFaultProxy(upstreamPort: number, initialPlan: FaultPlan = {}): Promise<MongoFaultProxy> {
  let plan = initialPlan;
  let random = seededRandom(plan.seed ?? 42);
  const counts: FaultCounts = { throttled: 0, throttledWithRetryAfter: 0, timeLimits: 0, partialBulks: 0, heldBackDocuments: 0, dropped: 0, forwarded: 0, helloRewritten: 0, insertsAsSequence: 0, insertsInBody: 0, insertWriteConcerns: new Set(), insertOrdering: new Set() };
  const sockets = new Set<Socket>();
  const commands: LoggedCommand[] = [];

  const handle = (client: Socket) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    /** Replies the proxy owes a rewrite: request id → what to do with the server's answer. */
    const rewrites = new Map<number, (reply: Buffer) => Buffer>();
    const fromClient = new MessageFramer();
    const fromServer = new MessageFramer();
    upstream.on('data', (chunk: Buffer) => {
      for (const message of fromServer.push(chunk)) {
        const responseTo = message.readInt32LE(8);
        const rewrite = rewrites.get(responseTo);
        rewrites.delete(responseTo);
        client.write(rewrite ? rewrite(message) : message);
      }
    });
    client.on('data', (chunk: Buffer) => {
      for (const message of fromClient.push(chunk)) {
        const opCode = message.readInt32LE(12);
        const requestId = message.readInt32LE(4);
        const wire = plan.wireVersion;
        /** A handshake goes through; its reply reports the plan's wire version when there is one. */
        const forwardHello = () => {
          if (wire !== undefined) {
            rewrites.set(requestId, (reply) => {
              counts.helloRewritten++;
              return lowerWireVersion(reply, wire);
            });
          }
          upstream.write(message);
        };
        if (opCode === OP_QUERY) {
          // The legacy handshake (OP_QUERY isMaster/hello).
          forwardHello();
          continue;
        }
        if (opCode !== OP_MSG) {
          upstream.write(message);
          continue;
        }
        const parsed = parseOpMsg(message);
        const name = commandName(parsed.body);
        if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
          forwardHello();
          continue;
        }
        const database = String(parsed.body.$db ?? '');
        const subject = name === 'customAction' ? parsed.body.collection : parsed.body[name];
        const namespace = name === 'shardCollection' ? String(subject) : typeof subject === 'string' ? `${database}.${subject}` : database;
        if (!SPARED.has(name)) commands.push({ name: name === 'customAction' ? String(parsed.body.customAction) : name, namespace, ...(name === 'shardCollection' ? { key: parsed.body.key as Document } : {}) });
        if (plan.cosmos && name === 'customAction' && parsed.body.customAction === 'GetCollection') {
          const shardKey = plan.cosmos.shardKeys[namespace];
          client.write(buildOpMsg({ database, collection: String(subject), ...(shardKey ? { shardKeyDefinition: shardKey } : {}), ok: 1 }, requestId));
          continue;
        }
        if (plan.cosmos && name === 'shardCollection') {
          client.write(buildOpMsg({ collectionsharded: namespace, ok: 1 }, requestId));
          continue;
        }
        const faultable = !SPARED.has(name) && (!plan.commands || plan.commands.includes(name));
        if (faultable && plan.drop && random() < plan.drop) {
          counts.dropped++;
          close();
          return;
        }
        if (faultable && plan.throttle && random() < plan.throttle) {
          const withRetryAfter = random() < (plan.withRetryAfter ?? 0.5);
          counts.throttled++;
          if (withRetryAfter) counts.throttledWithRetryAfter++;
          client.write(throttledReply(requestId, withRetryAfter ? 5 + Math.floor(random() * 20) : undefined));
          continue;
        }
        // Insert documents travel in a `documents` sequence or inside the body (the Node driver's way).
        const sequence = parsed.sequences.find((item) => item.identifier === 'documents');
        const inBody = Array.isArray(parsed.body.documents) ? (parsed.body.documents as Document[]) : undefined;
        const documents = sequence ? sequence.documents : inBody;
        if (name === 'insert' && sequence) counts.insertsAsSequence++;
        if (name === 'insert' && inBody) counts.insertsInBody++;
        if (name === 'insert') counts.insertWriteConcerns.add(parsed.body.writeConcern === undefined ? 'none' : JSON.stringify(parsed.body.writeConcern));
        if (name === 'insert') counts.insertOrdering.add(parsed.body.ordered === undefined ? 'none' : String(parsed.body.ordered));
        if (faultable && name === 'insert' && documents && plan.timeLimit && random() < plan.timeLimit) {
          // The server does the work; the client hears it timed out (and must not write twice).
          counts.timeLimits++;
          rewrites.set(requestId, () => buildOpMsg({ ok: 0, errmsg: 'Request timed out. Retries due to rate limiting: True.', code: 50, codeName: 'ExceededTimeLimit' }, requestId));
          upstream.write(message);
          continue;
        }
        if (faultable && name === 'insert' && documents && documents.length > 1 && plan.partialBulk && random() < plan.partialBulk) {
          // Forward some documents; report the others as throttled write errors at their own indexes.
          const kept: number[] = [];
          const held: number[] = [];
          documents.forEach((_, index) => (random() < 0.3 ? held : kept).push(index));
          if (!held.length || !kept.length) {
            upstream.write(message);
            counts.forwarded++;
            continue;
          }
          counts.partialBulks++;
          counts.heldBackDocuments += held.length;
          const subset = sequence
            ? buildOpMsg(parsed.body, 0, [{ identifier: 'documents', documents: kept.map((index) => sequence.documents[index]!) }], requestId)
            : buildOpMsg({ ...parsed.body, documents: kept.map((index) => inBody![index]!) }, 0, [], requestId);
          rewrites.set(requestId, (reply) => {
            const answer = parseOpMsg(reply).body;
            const upstreamErrors = ((answer.writeErrors as Document[] | undefined) ?? []).map((error) => ({ ...error, index: new BSON.Int32(kept[Number(error.index)]!) }));
            const throttledErrors = held.map((index) => ({ index: new BSON.Int32(index), code: new BSON.Int32(16500), errmsg: `Error=16500, RetryAfterMs=${3 + (index % 7)}, Details='TooManyRequests'` }));
            return buildOpMsg({ ...answer, writeErrors: [...upstreamErrors, ...throttledErrors].sort((a, b) => Number(a.index) - Number(b.index)) }, requestId);
          });
          upstream.write(subset);
          continue;
        }
        if (name === 'insert' && plan.understatedInserts) {
          plan = { ...plan, understatedInserts: plan.understatedInserts - 1 };
          rewrites.set(requestId, (reply) => {
            const answer = parseOpMsg(reply).body;
            return buildOpMsg({ ...answer, n: new BSON.Int32(Number(answer.n) - 1) }, requestId);
          });
        }
        counts.forwarded++;
        upstream.write(message);
      }
    });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The fault proxy has no port.');
  return {
    port: address.port,
    counts,
    commands,
    setPlan: (next) => {
      plan = next;
      random = seededRandom(next.seed ?? 42);
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
