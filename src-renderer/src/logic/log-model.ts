import { LOG_LEVELS, type LogLevel, type LogLine } from '../../../src-main/shared/session.ts';

/** What one merge did. */
export interface MergeResult {
  /** How many lines joined the log (duplicates and lines past a hole do not count). */
  appended: number;
  /** Lines past a hole are waiting: the caller must fetch the lines after `lastSeq`. */
  needsFetch: boolean;
}

export interface SessionLogModelOptions {
  /** Lines kept in memory; older ones are trimmed (in steps of 10 %, so trimming stays cheap). */
  maxLines?: number;
}

/**
 * The log of one watched session as the console holds it: lines 1..`lastSeq` in sequence order,
 * deduplicated by seq, with lines that arrive past a hole parked until the hole is filled.
 * `visible` is the subset that passes the level filter and the search text (case-insensitive), kept
 * incrementally so a 100,000-line log
 * does not get re-filtered on every batch. Plain data (no Vue reactivity): the store signals changes.
 */
export class SessionLogModel {
  readonly sessionId: string;
  readonly maxLines: number;
  /** Every line with seq ≤ lastSeq has been received (the oldest may have been trimmed since). */
  lastSeq = 0;
  /** Lines dropped from the front to bound memory. */
  trimmed = 0;
  private held: LogLine[] = [];
  private shown: LogLine[] = [];
  private readonly ahead = new Map<number, LogLine>();
  private levels: ReadonlySet<LogLevel> = new Set(LOG_LEVELS);
  private query = '';
  private readonly counts: Record<LogLevel, number> = { debug: 0, info: 0, warn: 0, error: 0 };

  constructor(sessionId: string, options: SessionLogModelOptions = {}) {
    this.sessionId = sessionId;
    this.maxLines = Math.max(10, options.maxLines ?? 250_000);
  }

  /** All lines held, oldest first. */
  get lines(): readonly LogLine[] {
    return this.held;
  }

  /** Lines that pass the level filter, oldest first. */
  get visible(): readonly LogLine[] {
    return this.shown;
  }

  /** Lines held per level. */
  get levelCounts(): Readonly<Record<LogLevel, number>> {
    return this.counts;
  }

  get enabledLevels(): ReadonlySet<LogLevel> {
    return this.levels;
  }

  /** The search text lines must contain (empty: every line). */
  get search(): string {
    return this.query;
  }

  /** Lines received past a hole, waiting for it to be filled. */
  get waitingCount(): number {
    return this.ahead.size;
  }

  /** Merges lines in any order; lines of other sessions and duplicates are ignored. */
  merge(lines: readonly LogLine[]): MergeResult {
    let appended = 0;
    for (const line of lines) {
      if (line.sessionId !== this.sessionId || line.seq <= this.lastSeq) continue;
      if (line.seq !== this.lastSeq + 1) {
        if (!this.ahead.has(line.seq)) this.ahead.set(line.seq, line);
        continue;
      }
      this.append(line);
      appended++;
      while (this.ahead.size) {
        const next = this.ahead.get(this.lastSeq + 1);
        if (!next) break;
        this.ahead.delete(next.seq);
        this.append(next);
        appended++;
      }
    }
    // Parked lines the log has since passed (filled by a page) are stale duplicates.
    if (this.ahead.size) for (const seq of this.ahead.keys()) if (seq <= this.lastSeq) this.ahead.delete(seq);
    if (this.held.length > this.maxLines) this.trim();
    return { appended, needsFetch: this.ahead.size > 0 };
  }

  /** Shows only the given levels. */
  setLevels(levels: Iterable<LogLevel>): void {
    this.levels = new Set(levels);
    this.refilter();
  }

  /** Shows only lines whose message contains `text` (ignoring case); empty shows all. */
  setSearch(text: string): void {
    this.query = text.trim().toLowerCase();
    this.refilter();
  }

  private passes(line: LogLine): boolean {
    return this.levels.has(line.level) && (!this.query || line.message.toLowerCase().includes(this.query));
  }

  private refilter(): void {
    this.shown = this.held.filter((line) => this.passes(line));
  }

  private append(line: LogLine): void {
    this.held.push(line);
    this.counts[line.level]++;
    if (this.passes(line)) this.shown.push(line);
    this.lastSeq = line.seq;
  }

  private trim(): void {
    const drop = this.held.length - this.maxLines + Math.floor(this.maxLines / 10);
    const dropped = this.held.splice(0, drop);
    for (const line of dropped) this.counts[line.level]--;
    this.trimmed += dropped.length;
    const firstSeq = this.held[0]?.seq ?? this.lastSeq + 1;
    const firstShown = this.shown.findIndex((line) => line.seq >= firstSeq);
    this.shown.splice(0, firstShown === -1 ? this.shown.length : firstShown);
  }
}
