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

/** The filter that reads every document after `lastId` in `_id` order, whatever the types of the `_id`s. */
export function resumeFilter(lastId: unknown): Document {
  const alias = bsonTypeAlias(lastId);
  const bracket = TYPE_BRACKETS.findIndex((types) => types.includes(alias));
  const later = TYPE_BRACKETS.slice(bracket + 1).flat();
  if (alias === 'maxKey' || !later.length) return { _id: { $gt: lastId } };
  return { $or: [{ _id: { $gt: lastId } }, { _id: { $type: later } }] };
}
