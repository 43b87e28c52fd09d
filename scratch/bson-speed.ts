import { BSON, Binary, Double, Int32, Long, ObjectId } from 'bson';
const WORDS = ['order', 'shipped', 'customer', 'Zürich', 'Oslo', 'payment', 'refund', 'warehouse', 'priority', 'gift', 'express', 'returned'];
function doc(n: number) {
  const words = Array.from({ length: 120 + (n % 80) }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]).join(' ');
  const random = Buffer.alloc(n % 10 === 0 ? 1024 : 0);
  return { _id: new ObjectId(n.toString(16).padStart(24, '0')), tenant: new Int32(n % 1000), sequence: Long.fromNumber(n * 7919), amount: new Double((n % 100_000) / 7), at: new Date(1_700_000_000_000 + n * 1000), status: WORDS[n % 4], note: words, tags: [`t${n % 17}`, `t${n % 31}`], address: { street: `${n} Main Street`, city: WORDS[n % WORDS.length], zip: String(n % 99_999).padStart(5, '0') }, ...(random.length ? { attachment: new Binary(random, 0) } : {}) };
}
const raws = Array.from({ length: 50_000 }, (_, i) => BSON.serialize(doc(i)));
const bytes = raws.reduce((s, r) => s + r.length, 0);
for (const [name, opts] of [['exact', { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true }], ['exact-noutf8', { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true, validation: { utf8: false } }], ['promoted', {}]] as const) {
  let t = performance.now();
  const docs = raws.map((r) => BSON.deserialize(r, opts));
  const dec = performance.now() - t;
  t = performance.now();
  let out = 0;
  for (const d of docs) out += BSON.serialize(d).length;
  const enc = performance.now() - t;
  console.log(name, `${(bytes / 1e6).toFixed(0)} MB: decode ${(bytes / 1e6 / (dec / 1000)).toFixed(0)} MB/s, encode ${(bytes / 1e6 / (enc / 1000)).toFixed(0)} MB/s`, out === bytes);
}
