import { bsonDocuments } from './bson-stream.ts';
import { columnDocuments } from './columns/column-decoder.ts';
import { isColumnDocumentsEntry } from './layout.ts';

/**
 * A stored documents entry as BSON documents, one buffer each, in order — whether the restore
 * point keeps them in columns or, as earlier versions did, as plain BSON. Damage throws.
 */
export function storedDocuments(entryName: string, data: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  return isColumnDocumentsEntry(entryName) ? columnDocuments(data) : bsonDocuments(data);
}
