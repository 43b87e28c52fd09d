import { describe, expect, it } from 'vitest';
import { classifyStderrLine, stderrLogger } from '../../../../src-main/engines/postgres/pg-tools.ts';

describe('pg tool stderr classification', () => {
  it('maps warnings, errors and informational lines to session log levels', () => {
    expect(classifyStderrLine('pg_dump: warning: there are circular foreign-key constraints on this table:')).toBe('warn');
    expect(classifyStderrLine('pg_restore: warning: errors ignored on restore: 1')).toBe('warn');
    expect(classifyStderrLine('pg_restore: error: could not execute query: ERROR:  relation "x" already exists')).toBe('error');
    expect(classifyStderrLine('pg_dump: error: query failed: ERROR:  permission denied')).toBe('error');
    expect(classifyStderrLine('psql:<stdin>:3: ERROR:  duplicate key value')).toBe('error');
    expect(classifyStderrLine('pg_dump: last built-in OID is 16383')).toBe('info');
    expect(classifyStderrLine('NOTICE:  table "x" does not exist, skipping')).toBe('info');
    expect(classifyStderrLine('pg_restore: detail: Command was: CREATE TABLE x', 'error')).toBe('error');
    expect(classifyStderrLine('pg_dump: hint: You might need to run pg_dump with --no-sync', 'warn')).toBe('warn');
  });

  it('logs each line once, prefixed, at its level', () => {
    const lines: string[] = [];
    const log = stderrLogger('pg_restore', 'shop', { log: (level, message) => lines.push(`${level} ${message}`) });
    for (const line of ['pg_restore: warning: w', 'pg_restore: detail: d', '', 'pg_restore: creating TABLE "public.a"']) log(line);
    expect(lines).toEqual(['warn pg_restore (shop): pg_restore: warning: w', 'warn pg_restore (shop): pg_restore: detail: d', 'info pg_restore (shop): pg_restore: creating TABLE "public.a"']);
  });
});
