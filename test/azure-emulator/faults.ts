/** What a fault does to a matching request. */
export type FaultAction =
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfterSeconds?: number }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'drop' }
  | { kind: 'lroFail'; code?: string; message?: string };

/** Which requests a fault applies to, and to how many of them. */
export interface FaultMatch {
  /** HTTP method; any when omitted. */
  method?: string;
  /** Tested against the request path (no query). */
  path: RegExp | string;
  /** How many matching requests are affected (default 1; Infinity for all). */
  count?: number;
}

interface FaultRule {
  id: number;
  method?: string;
  path: RegExp;
  remaining: number;
  action: FaultAction;
}

/**
 * Fault injection: the next N requests matching a method and path get a 5xx, a delay, a
 * dropped connection, or (for requests that start a long-running operation) an operation that
 * ends `Failed`. Several rules may apply to one request (e.g. a delay and then a 503).
 */
export class Faults {
  readonly #rules: FaultRule[] = [];
  #nextId = 1;

  inject(match: FaultMatch, action: FaultAction): number {
    const id = this.#nextId++;
    this.#rules.push({
      id,
      method: match.method?.toUpperCase(),
      path: typeof match.path === 'string' ? new RegExp(match.path, 'i') : match.path,
      remaining: match.count ?? 1,
      action,
    });
    return id;
  }

  /** Next matching requests get `status` (500 by default) with an ARM error body. */
  failNext(match: FaultMatch, status = 500, code?: string): number {
    return this.inject(match, { kind: 'status', status, code });
  }

  /** Next matching requests are answered `delayMs` late. */
  delayNext(match: FaultMatch, delayMs: number): number {
    return this.inject(match, { kind: 'delay', delayMs });
  }

  /** Next matching requests have their socket destroyed without an answer. */
  dropNext(match: FaultMatch): number {
    return this.inject(match, { kind: 'drop' });
  }

  /** The long-running operation started by the next matching request ends `Failed`. */
  failNextLro(match: FaultMatch, error: { code?: string; message?: string } = {}): number {
    return this.inject(match, { kind: 'lroFail', ...error });
  }

  remove(id: number): void {
    const i = this.#rules.findIndex((r) => r.id === id);
    if (i >= 0) this.#rules.splice(i, 1);
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** Consumes and returns the actions that apply to this request. */
  take(method: string, path: string): FaultAction[] {
    const actions: FaultAction[] = [];
    for (const rule of [...this.#rules]) {
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (!rule.path.test(path)) continue;
      actions.push(rule.action);
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.remove(rule.id);
    }
    return actions;
  }
}
