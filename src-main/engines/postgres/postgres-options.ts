import { z } from 'zod';

/** PostgreSQL's own restore options, carried in a restore job next to the engine-neutral ones. */
export const postgresRestoreOptionsSchema = z.object({
  engine: z.literal('postgres'),
  /** Only these schemas (empty: all). */
  schemas: z.array(z.string().min(1)).default([]),
  /** Only these tables, `name` or `schema.name` (empty: all). */
  tables: z.array(z.string().min(1)).default([]),
  /** Also restore roles (without passwords) and other server-wide objects captured with the backup. */
  globals: z.boolean().default(false),
  /** Do not restore ownership (when the target lacks the source's roles). */
  noOwner: z.boolean().default(false),
});
export type PostgresRestoreOptions = z.output<typeof postgresRestoreOptionsSchema>;
