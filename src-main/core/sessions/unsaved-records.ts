import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { logLineSchema, sessionSchema, type LogLine, type Session } from '../../shared/session.ts';

/** Session records and log lines the config DB refused when the process had to stop (disk full). */
export interface UnsavedRecords {
  sessions: Session[];
  lines: LogLine[];
}

const unsavedRecordsSchema = z.object({ version: z.literal(1), sessions: z.array(sessionSchema), lines: z.array(logLineSchema) });

/**
 * Where a stopping process leaves the session records the config DB refused, so the next start can
 * write them: first the data folder, then — because a full data disk refuses that too — the system's
 * temporary folder, under a name derived from the data folder. Session records hold no secrets, but
 * the files are still private to the user.
 */
export class UnsavedRecordsJournal {
  private readonly candidates: string[];

  constructor(dataDir: string) {
    const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
    this.candidates = [join(dataDir, 'unsaved-sessions.json'), join(tmpdir(), `cosmos-backup-unsaved-sessions-${tag}.json`)];
  }

  /** Writes the records to the first place that accepts them; returns its path, or null when none did. */
  save(records: UnsavedRecords): string | null {
    const earlier = this.take();
    const text = JSON.stringify({ version: 1, ...merge(earlier?.records, records) });
    for (const path of this.candidates) {
      const partial = `${path}.${process.pid}.tmp`;
      try {
        const fd = openSync(partial, 'w', 0o600);
        try {
          writeSync(fd, text);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(partial, path);
        for (const other of this.candidates) if (other !== path && earlier) rmSync(other, { force: true });
        return path;
      } catch {
        rmSync(partial, { force: true });
      }
    }
    return null;
  }

  /**
   * Reads what earlier processes left, for the caller to write into the config DB; `done()` removes
   * the files once that write has committed. A file that is not a journal of ours is set aside
   * (renamed `.unreadable`) rather than deleted or trusted.
   */
  take(): { records: UnsavedRecords; done: () => void } | null {
    const found = this.candidates.filter((path) => existsSync(path));
    if (!found.length) return null;
    const records: UnsavedRecords = { sessions: [], lines: [] };
    const read: string[] = [];
    for (const path of found) {
      const parsed = unsavedRecordsSchema.safeParse(safeJson(path));
      if (!parsed.success) {
        try {
          renameSync(path, `${path}.unreadable`);
        } catch {
          // Left where it is: it will be set aside by a start that can write there.
        }
        continue;
      }
      records.sessions.push(...parsed.data.sessions);
      records.lines.push(...parsed.data.lines);
      read.push(path);
    }
    return { records, done: () => read.forEach((path) => rmSync(path, { force: true })) };
  }
}

/** The new records plus any an earlier stop left that no start has written yet (newer records win). */
function merge(earlier: UnsavedRecords | undefined, records: UnsavedRecords): UnsavedRecords {
  if (!earlier) return records;
  const sessions = new Map(earlier.sessions.map((s) => [s.id, s]));
  for (const session of records.sessions) sessions.set(session.id, session);
  return { sessions: [...sessions.values()], lines: [...earlier.lines, ...records.lines] };
}

function safeJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
