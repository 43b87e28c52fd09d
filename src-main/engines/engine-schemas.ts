import { z } from 'zod';
import { postgresConnectionSchema } from './postgres/connection.ts';
import { postgresRestoreOptionsSchema } from './postgres/postgres-options.ts';

/*
 * The engines' schemas, without their code: job specs and the core build on these, the worker runs
 * the engines themselves (registry.ts). A new engine adds its members here and registers there.
 */

export const ENGINE_NAMES = ['postgres'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const engineNameSchema = z.enum(ENGINE_NAMES);

/** A source or target connection: one member per engine, told apart by `engine`. */
export const engineConnectionSchema = z.discriminatedUnion('engine', [postgresConnectionSchema]);
export type EngineConnection = z.infer<typeof engineConnectionSchema>;

/** An engine's restore options: one member per engine, told apart by `engine`. */
export const engineRestoreOptionsSchema = z.discriminatedUnion('engine', [postgresRestoreOptionsSchema]);
export type EngineRestoreOptions = z.input<typeof engineRestoreOptionsSchema>;

