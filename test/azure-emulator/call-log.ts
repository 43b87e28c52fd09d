/** One request the emulator answered (or dropped). */
export interface CallLogEntry {
  time: string;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** HTTP status sent; 0 when the connection was dropped by a fault. */
  status: number;
  durationMs: number;
  /** Client id of the caller for ARM requests with a valid token. */
  clientId?: string;
  /** Set when a fault rule shaped this response. */
  fault?: string;
  /** The request body as sent (tests look for secrets in what the app told ARM). */
  requestText?: string;
  /** The response body as answered (tests look for secrets in what ARM shows back). */
  responseText?: string;
}

/** Every request in arrival order, so tests can count calls, 429s, polls, retries. */
export class CallLog {
  readonly entries: CallLogEntry[] = [];

  add(entry: CallLogEntry): void {
    this.entries.push(entry);
  }

  /** Entries matching an optional method and a path pattern (regex tested against the path). */
  filter(match: { method?: string; path?: RegExp | string; status?: number } = {}): CallLogEntry[] {
    const re = typeof match.path === 'string' ? new RegExp(match.path, 'i') : match.path;
    return this.entries.filter(
      (e) =>
        (match.method === undefined || e.method.toUpperCase() === match.method.toUpperCase()) &&
        (re === undefined || re.test(e.path)) &&
        (match.status === undefined || e.status === match.status),
    );
  }

  count(match: { method?: string; path?: RegExp | string; status?: number } = {}): number {
    return this.filter(match).length;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
