import type { Document } from 'bson';

/**
 * MongoDB's sort order of BSON types, one bracket per group that compares together. `_id` is never
 * an array, so arrays are left out. A query `{ _id: { $gt: x } }` only matches values of x's own
 * bracket (type bracketing), so resuming a read sorted by `_id` must also ask for the brackets that
 * sort after x's.
 */
const TYPE_BRACKETS: readonly (readonly string[])[] = [
  ['minKey'],
  ['null', 'undefined'],
  ['double', 'int', 'long', 'decimal'],
  ['symbol', 'string'],
  ['object'],
  ['binData'],
  ['objectId'],
  ['bool'],
  ['date'],
  ['timestamp'],
  ['regex'],
  ['maxKey'],
];

/**
 * `$type` takes numbers everywhere; some MongoDB-compatible servers (FerretDB) refuse the aliases
 * of types they do not store, so the filter uses the numbers.
 */
const TYPE_NUMBERS: Record<string, number> = { minKey: -1, double: 1, string: 2, object: 3, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9, null: 10, regex: 11, symbol: 14, int: 16, timestamp: 17, long: 18, decimal: 19, maxKey: 127 };

/** The `$type` alias of an `_id` deserialized with `promoteValues: false`. */
export function bsonTypeAlias(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (value instanceof Date) return 'date';
  const tag = (value as { _bsontype?: string })._bsontype;
  switch (tag) {
    case 'Double':
      return 'double';
    case 'Int32':
      return 'int';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONSymbol':
      return 'symbol';
    default:
      return 'object';
  }
}

/**
 * Types a server may not implement at all (FerretDB 1.x refuses them even in `$type`); a server that
 * does not implement them cannot hold `_id`s of them either, so leaving them out loses nothing.
 */
const RARE_TYPES = new Set(['minKey', 'maxKey', 'undefined', 'symbol', 'decimal']);

/**
 * The filter that reads every document after `lastId` in `_id` order, whatever the types of the
 * `_id`s. `commonTypesOnly`: for servers that refuse the rare types in a query.
 */
export function resumeFilter(lastId: unknown, commonTypesOnly = false): Document {
  const alias = bsonTypeAlias(lastId);
  const bracket = TYPE_BRACKETS.findIndex((types) => types.includes(alias));
  const later = TYPE_BRACKETS.slice(bracket + 1)
    .flat()
    .filter((type) => !commonTypesOnly || !RARE_TYPES.has(type))
    .map((type) => TYPE_NUMBERS[type]!);
  if (alias === 'maxKey' || !later.length) return { _id: { $gt: lastId } };
  return { $or: [{ _id: { $gt: lastId } }, { _id: { $type: later } }] };
}
