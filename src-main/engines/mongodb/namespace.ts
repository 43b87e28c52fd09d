import { EngineError } from '../engine-error.ts';

/** `db.collection` split at its first dot (collection names may hold dots, database names may not). */
export function splitNamespace(namespace: string): { database: string; collection: string } {
  const dot = namespace.indexOf('.');
  if (dot <= 0 || dot === namespace.length - 1) throw new EngineError('invalid_argument', `${JSON.stringify(namespace)} is not a collection: name it as database.collection.`);
  return { database: namespace.slice(0, dot), collection: namespace.slice(dot + 1) };
}
