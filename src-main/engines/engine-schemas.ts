import { z } from 'zod';
import { postgresConnectionSchema } from './postgres/connection.ts';
import { postgresRestoreOptionsSchema } from './postgres/postgres-options.ts';
import { mongodbConnectionSchema } from './mongodb/connection.ts';
import { mongodbRestoreOptionsSchema } from './mongodb/mongodb-options.ts';

/*
 * The engines' schemas, without their code: job specs and the core build on these, the worker runs
 * the engines themselves (registry.ts). A new engine adds its members here and registers there.
 */

export const ENGINE_NAMES = ['postgres', 'mongodb'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const engineNameSchema = z.enum(ENGINE_NAMES);

/** A source or target connection: one member per engine, told apart by `engine`. */
export const engineConnectionSchema = z.discriminatedUnion('engine', [postgresConnectionSchema, mongodbConnectionSchema]);
export type EngineConnection = z.infer<typeof engineConnectionSchema>;

/** An engine's restore options: one member per engine, told apart by `engine`. */
export const engineRestoreOptionsSchema = z.discriminatedUnion('engine', [postgresRestoreOptionsSchema, mongodbRestoreOptionsSchema]);
export type EngineRestoreOptions = z.input<typeof engineRestoreOptionsSchema>;


/** One engine's restore options without the `engine` tag (the target's URI says which engine). */
export type EngineRestoreOptionsWithoutEngine = EngineRestoreOptions extends infer Options ? (Options extends unknown ? Omit<Options, 'engine'> : never) : never;
