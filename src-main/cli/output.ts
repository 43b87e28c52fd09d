import { toErrorPayload } from '../shared/errors.ts';
import type { LogLine, Session } from '../shared/session.ts';

/** Where the CLI writes: injected so tests can capture it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Prints a value as JSON (for `--json`), one document per call. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/** Prints rows as an aligned text table. */
export function printTable(io: CliIo, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  io.out(line(headers) + '\n');
  for (const row of rows) io.out(line(row) + '\n');
}

export function formatSessionRow(session: Session): string[] {
  const progress = session.progress ? `${session.progress.done}/${session.progress.total ?? '?'} ${session.progress.unit}` : '';
  return [session.id, session.kind, session.status, session.createdAt.replace('T', ' ').slice(0, 19), progress, session.title];
}

export function formatLogLine(line: LogLine): string {
  return `${line.time.replace('T', ' ').slice(0, 23)} ${line.level.toUpperCase().padEnd(5)} ${line.message}\n`;
}

/** Prints an error the way every command does: `error: …` on stderr, or `{ error }` JSON with --json. */
export function printError(io: CliIo, error: unknown, json: boolean): void {
  const payload = toErrorPayload(error);
  if (json) io.out(JSON.stringify({ error: payload }, null, 2) + '\n');
  else io.err(`error: ${payload.message}\n`);
}
