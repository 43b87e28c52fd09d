import { Binary, BSONRegExp, Double, EJSON, Int32, Long, ObjectId, Timestamp, type Document } from 'bson';
import type { MongoClient } from 'mongodb';

/**
 * The BSON types FerretDB 1.24 stores (measured: it refuses Decimal128, MinKey/MaxKey, Code,
 * Symbol, nested arrays, NaN, `$`- and dotted keys, views, validators, collations, TTL and partial
 * indexes). Those are covered byte for byte by the codec's and the column format's unit tests, not
 * against a server: no server here stores them, and this sample data stays the same under
 * MONGODB_TEST_URI so that the suites' expected counts hold there too.
 */
export function mixedDocument(n: number): Document {
  return {
    _id: new ObjectId(n.toString(16).padStart(24, '0')),
    n: new Int32(n),
    big: Long.fromString(`${9007199254740993n + BigInt(n)}`),
    ratio: new Double(n / 7),
    whole: new Double(n),
    negativeZero: -0,
    label: `document ${n} — ünïcødé ✓`,
    when: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
    flag: n % 2 === 0,
    nothing: null,
    uuid: new Binary(Buffer.from(n.toString(16).padStart(32, '0'), 'hex'), 4),
    bytes: new Binary(Buffer.from([n & 255, 0, 255, 7]), 0),
    custom: new Binary(Buffer.from('custom'), 128),
    stamp: new Timestamp({ t: 1_700_000_000 + n, i: n % 5 }),
    pattern: new BSONRegExp(`^item-${n}`, 'im'),
    nested: { level: { deeper: { value: n, tags: ['a', 'b', `t${n % 3}`] } } },
    items: [{ sku: `sku-${n}`, qty: new Int32(n % 9) }, { sku: 'other', qty: new Int32(1) }],
    'ключ юникод': 'значение',
  };
}

/** Fills `shop` and `warehouse` with collections of several kinds, and returns what it wrote. */
export async function createSampleData(client: MongoClient): Promise<void> {
  const shop = client.db('shop');
  await shop.collection('orders').insertMany(Array.from({ length: 1500 }, (_, i) => mixedDocument(i + 1)));
  await shop.collection('orders').createIndex({ n: 1 }, { unique: true, name: 'n_unique' });
  await shop.collection('orders').createIndex({ label: 1, when: -1 }, { name: 'label_when' });
  await shop.collection('orders').createIndex({ 'nested.level.deeper.value': 1 }, { sparse: true, name: 'deep_sparse' });
  // _ids of several types: a read resumed after any of them must still find the others.
  await shop.collection('mixed ids').insertMany([{ _id: 5 as unknown as ObjectId, v: 1 }, { _id: 'text-id' as unknown as ObjectId, v: 2 }, { _id: { a: 1 } as unknown as ObjectId, v: 3 }, { _id: new ObjectId('0000000000000000000000ff'), v: 4 }, { _id: true as unknown as ObjectId, v: 5 }]);
  await shop.createCollection('capped log', { capped: true, size: 1024 * 1024 });
  await shop.collection('capped log').insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: new ObjectId(), line: i })));
  await shop.collection('big').insertOne({ _id: new ObjectId(), blob: 'x'.repeat(15 * 1024 * 1024), note: 'near the 16 MB limit' });
  await shop.createCollection('empty one');
  // A name mongodump must escape (space, slash, percent, dot, non-ASCII).
  await shop.collection('we ird/na%me.ü').insertMany([{ _id: 1 as unknown as ObjectId, odd: true }, { _id: 2 as unknown as ObjectId, odd: false }]);
  const warehouse = client.db('warehouse');
  await warehouse.collection('parts').insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `part-${String(i).padStart(4, '0')}` as unknown as ObjectId, qty: new Int32(i), price: new Double(i * 1.25) })));
  await warehouse.collection('parts').createIndex({ qty: -1 }, { name: 'qty_desc' });
}

/** A collection's documents as canonical Extended JSON, in `_id` order (types and values exactly). */
export async function canonicalDocuments(client: MongoClient, database: string, collection: string): Promise<string[]> {
  const documents = await client.db(database).collection(collection).find({}, { sort: { _id: 1 }, promoteValues: false, promoteLongs: false, bsonRegExp: true }).toArray();
  return documents.map((document) => EJSON.stringify(document, { relaxed: false }));
}

/** A collection's indexes without the server's bookkeeping (`v`, `ns`), by name. */
export async function indexShapes(client: MongoClient, database: string, collection: string): Promise<Document[]> {
  const indexes = await client.db(database).collection(collection).listIndexes().toArray();
  return indexes.map(({ v: _v, ns: _ns, ...rest }) => rest).sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/** The collection's createCollection options (capped, size…), as listCollections reports them. */
export async function collectionOptions(client: MongoClient, database: string, collection: string): Promise<Document | undefined> {
  const [info] = await client.db(database).listCollections({ name: collection }).toArray();
  return (info as Document | undefined)?.options as Document | undefined;
}
