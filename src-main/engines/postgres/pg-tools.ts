import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../engine-error.ts';
import type { EngineErrorCode } from '../engine-error.ts';
import type { Redactor } from '../redact.ts';

/** The client tools used: pg_dump, pg_dumpall, pg_restore, psql. */
export type PgTool = 'pg_dump' | 'pg_dumpall' | 'pg_restore' | 'psql';

/** Where the tools are: `$COSMOS_BACKUP_PG_BIN`, Debian's PostgreSQL 15 folder, or PATH. */
export function toolPath(tool: PgTool): string {
  const configured = process.env.COSMOS_BACKUP_PG_BIN;
  if (configured) return join(configured, tool);
  const debian = `/usr/lib/postgresql/15/bin/${tool}`;
  return existsSync(debian) ? debian : tool;
}

/** A running tool: its streams and a promise that settles when it exits (rejecting on failure). */
export interface RunningTool {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Resolves with the stderr text on exit 0; rejects with a classified EngineError otherwise. */
  done: Promise<string>;
}

/** Keeps the last lines of stderr (bounded), for the error message. */
const STDERR_LIMIT = 64 * 1024;

/**
 * Starts a client tool with `env` (connection and PGPASSWORD live there, never in `args`).
 * Aborting `signal` sends SIGTERM (then SIGKILL after 5 s). Stderr is redacted before it is kept.
 */
export function startTool(
  tool: PgTool,
  args: string[],
  env: NodeJS.ProcessEnv,
  redact: Redactor,
  signal: AbortSignal,
  onStderrLine?: (line: string) => void,
): RunningTool {
  const child = spawn(toolPath(tool), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const clean = redact(line);
      stderr = (stderr + clean + '\n').slice(-STDERR_LIMIT);
      onStderrLine?.(clean);
    }
  });
  // A tool that stops reading (pg_restore done with the sections it wants) must not crash us.
  child.stdin.on('error', () => undefined);
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    killTimer.unref();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const done = new Promise<string>((resolve, reject) => {
    child.once('error', (error) => reject(new EngineError('tool_failed', `Could not start ${tool}: ${redact(error.message)}`)));
    child.once('close', (code, exitSignal) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (partial) stderr += redact(partial);
      if (signal.aborted) return reject(new EngineError('canceled', `${tool} stopped: canceled.`));
      if (code === 0) return resolve(stderr);
      reject(classifyToolError(tool, stderr, code, exitSignal));
    });
  });
  done.catch(() => undefined);
  return { child, done };
}

/** Session log level of one stderr line of a client tool. */
export type StderrLevel = 'info' | 'warn' | 'error';

/**
 * Classifies a tool's stderr line: `pg_dump: warning:` (any tool's `warning:`, a server WARNING)
 * warns; `error:`, ERROR, FATAL and PANIC are errors; `detail:`/`hint:`/context lines take the
 * level of the line they belong to (`previous`); anything else (notices, progress) is info.
 */
export function classifyStderrLine(line: string, previous: StderrLevel = 'info'): StderrLevel {
  const text = line.trim();
  if (/^(pg_dump|pg_dumpall|pg_restore|psql)(:[^:]*:\d+)?: (warning|WARNING):/.test(text) || /^WARNING:/.test(text)) return 'warn';
  if (/^(pg_dump|pg_dumpall|pg_restore|psql)(:[^:]*:\d+)?: (error|fatal|ERROR|FATAL|PANIC):/.test(text) || /^(ERROR|FATAL|PANIC):/.test(text)) return 'error';
  if (/^(pg_dump|pg_dumpall|pg_restore|psql)(:[^:]*:\d+)?: (detail|hint|DETAIL|HINT|CONTEXT|LINE \d+):/.test(text) || /^(DETAIL|HINT|CONTEXT|LINE \d+|QUERY):/.test(text) || /^Command was:/.test(text)) return previous;
  return 'info';
}

/** A stderr line handler that logs each line of `tool` (working on `database`) at its level. */
export function stderrLogger(tool: PgTool, database: string, context: { log(level: StderrLevel, message: string): void }): (line: string) => void {
  let previous: StderrLevel = 'info';
  return (line) => {
    if (!line.trim()) return;
    previous = classifyStderrLine(line, previous);
    context.log(previous, `${tool} (${database}): ${line}`);
  };
}

/** Turns a tool's stderr into an error with a code and a message that says what to do. */
export function classifyToolError(tool: string, stderr: string, code: number | null, exitSignal: NodeJS.Signals | null): EngineError {
  const text = stderr.trim();
  const detail = text ? text.split('\n').slice(-6).join('\n') : `exit ${code ?? exitSignal}`;
  const found = classifyMessage(text);
  return new EngineError(found?.code ?? 'tool_failed', found ? `${found.message} (${tool}: ${lastLine(detail)})` : `${tool} failed: ${detail}`);
}

/** Known libpq and server messages, mapped to codes and plain explanations. */
export function classifyMessage(text: string): { code: EngineErrorCode; message: string } | undefined {
  if (/password authentication failed|no password supplied|fe_sendauth/i.test(text)) return { code: 'auth_failed', message: 'The database rejected the user name or password' };
  if (/server does not support SSL|SSL off|does not support SSL connections/i.test(text)) {
    return { code: 'tls_refused', message: 'TLS is required (sslmode=require or stricter) but the server refused TLS; Cosmos DB for PostgreSQL always offers TLS, so check the host — use sslmode=disable only for a local test server' };
  }
  if (/certificate|SSL error|self[- ]signed/i.test(text)) return { code: 'tls_failed', message: 'The TLS connection failed (certificate not trusted or host name mismatch)' };
  if (/could not connect|Connection refused|timeout expired|could not translate host name|No route to host|Network is unreachable|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH/i.test(text)) {
    return { code: 'unreachable', message: 'The database server cannot be reached' };
  }
  if (/could not obtain lock|lock timeout|canceling statement due to lock timeout|Query was: LOCK TABLE/i.test(text)) return { code: 'lock_timeout', message: 'A table stayed locked by another session (e.g. being dropped or altered) longer than the lock wait timeout' };
  if (/database "[^"]*" does not exist/i.test(text)) return { code: 'not_found', message: 'The database does not exist' };
  return undefined;
}

function lastLine(text: string): string {
  return text.split('\n').filter(Boolean).at(-1) ?? text;
}

/** Runs a tool to completion with `input` on stdin; resolves with stdout. For small outputs only. */
export async function runTool(tool: PgTool, args: string[], env: NodeJS.ProcessEnv, redact: Redactor, signal: AbortSignal, input?: string): Promise<string> {
  const running = startTool(tool, args, env, redact, signal);
  let out = '';
  running.child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  running.child.stdin.end(input ?? '');
  await running.done;
  return out;
}
