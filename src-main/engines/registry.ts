import type { DatabaseEngine } from './engine.ts';
import { PostgresEngine } from './postgres/postgres-engine.ts';

/** The engines the worker agent can run, by the name job specs and manifests use. */
export function engineFor(name: string): DatabaseEngine<never> {
  switch (name) {
    case 'postgres':
      return new PostgresEngine() as DatabaseEngine<never>;
    default:
      throw new Error(`No engine named ${JSON.stringify(name)}.`);
  }
}
