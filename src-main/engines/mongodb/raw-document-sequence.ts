// The driver's OP_MSG encoder, which the package does not export publicly: the engine adds one
// capability to it (below). The driver is pinned (see DRIVER_WITH_RAW_SEQUENCES), so this file
// names the exact code it extends.
import { OpMsgRequest } from 'mongodb/lib/cmap/commands.js';

/**
 * The driver version whose OP_MSG encoder `installRawDocumentSequences` extends. Another version
 * (its encoder may differ) leaves the extension off and inserts go through decoded documents.
 */
export const DRIVER_WITH_RAW_SEQUENCES = '6.9.0';

/**
 * Documents that already are BSON (as a restore point stores them), to be sent as they are in an
 * OP_MSG document sequence (a "kind 1" section) instead of being decoded into objects and encoded
 * again — the wire protocol's own way of carrying a command's documents since MongoDB 3.6 (wire
 * version 6), and what `mongorestore` sends. Put it as a command's field value (`documents` of an
 * `insert`); the field leaves the command's body and travels as a sequence named after it.
 */
export class RawDocumentSequence {
  readonly documents: readonly Uint8Array[];

  constructor(documents: readonly Uint8Array[]) {
    this.documents = documents;
  }

  get byteLength(): number {
    return this.documents.reduce((sum, document) => sum + document.byteLength, 0);
  }
}

interface SectionMaker {
  makeSections(buffers: Uint8Array[], command: Record<string, unknown>): number;
}

/** The kind 1 section of a sequence: kind byte, int32 size (itself, the name and the documents), the name as a C string, the documents. */
function sequenceSection(field: string, sequence: RawDocumentSequence): Uint8Array[] {
  const name = Buffer.from(field, 'utf8');
  const header = Buffer.alloc(1 + 4 + name.length + 1);
  header[0] = 1;
  header.writeInt32LE(4 + name.length + 1 + sequence.byteLength, 1);
  name.copy(header, 5);
  return [header, ...sequence.documents];
}

let installed: boolean | undefined;

/**
 * Teaches the driver's OP_MSG encoder to send `RawDocumentSequence` fields as document sequences
 * (once per process; commands without one are encoded exactly as before). Returns false, changing
 * nothing, when the driver is not the version this was written for or its encoder is not shaped
 * as expected: the caller then decodes the documents and sends them as objects.
 */
export function installRawDocumentSequences(driverVersion: string): boolean {
  if (driverVersion !== DRIVER_WITH_RAW_SEQUENCES) return false;
  if (installed !== undefined) return installed;
  const prototype = (OpMsgRequest as { prototype?: Partial<SectionMaker> } | undefined)?.prototype;
  const original = prototype?.makeSections;
  if (!prototype || typeof original !== 'function' || original.length !== 2) return (installed = false);
  prototype.makeSections = function makeSectionsWithRawSequences(this: SectionMaker, buffers: Uint8Array[], command: Record<string, unknown>): number {
    const sequences: [string, RawDocumentSequence][] = [];
    for (const [field, value] of Object.entries(command)) {
      if (value instanceof RawDocumentSequence) {
        sequences.push([field, value]);
        // The command is the driver's own copy (prepareCommand spreads the caller's), as the
        // driver's own document sequences assume: removing the field changes nothing of the caller's.
        delete command[field];
      }
    }
    let length = original.call(this, buffers, command);
    for (const [field, sequence] of sequences) {
      for (const part of sequenceSection(field, sequence)) {
        buffers.push(part);
        length += part.byteLength;
      }
    }
    return length;
  };
  return (installed = true);
}
