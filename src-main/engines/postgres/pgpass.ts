import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PostgresConnection } from './connection.ts';

/** Splits a .pgpass line at unescaped colons, unescaping `\:` and `\\`. */
function fields(line: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === ':') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/**
 * The password a libpq password file gives for `connection` and `database` (`$PGPASSFILE` or
 * `~/.pgpass`; lines `host:port:database:user:password`, `*` matches anything). Like libpq, a file
 * readable by group or others is ignored.
 */
export function passwordFromPgpass(connection: PostgresConnection, database: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.PGPASSFILE ?? join(env.HOME ?? homedir(), '.pgpass');
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const want = [connection.host, String(connection.port), database, connection.user];
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const parts = fields(line);
    if (parts.length < 5) continue;
    if (want.every((value, i) => parts[i] === '*' || parts[i] === value)) return parts.slice(4).join(':');
  }
  return undefined;
}
