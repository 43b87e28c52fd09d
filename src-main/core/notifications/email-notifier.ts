import type { Settings } from '../../shared/settings.ts';
import type { Session } from '../../shared/session.ts';
import type { Clock } from '../clock.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { alertFor } from './session-alerts.ts';
import type { Mailer } from './mailer.ts';
import { dailyReport, type ReportSources } from './daily-report.ts';

export interface EmailNotifierDeps extends ReportSources {
  readonly sessions: SessionManager;
  readonly mailer: Mailer & { configured(): boolean };
  readonly settings: () => Settings;
  readonly clock: Clock;
  /** Where a mail that could not be sent is reported (the service's stderr). */
  readonly report: (message: string) => void;
  /** When the daily report was last sent (a settings-like memory; default in-process only). */
  readonly lastReportDay?: { get(): string | null; set(day: string): void };
}

const LEVEL_MATCHES: Record<Settings['emailNotifications'], (status: Session['status']) => boolean> = {
  off: () => false,
  failures: (status) => status === 'failed',
  warnings: (status) => status === 'failed' || status === 'warning',
  all: () => true,
};

/**
 * E-mail when scheduled work ends (as the `emailNotifications` setting says), with the summary,
 * the tasks and the warning and error lines; and the daily report at `dailyReportTime`. A mail that
 * cannot be sent never stops the work: it is reported and the next one is tried.
 */
export class EmailNotifier {
  private readonly deps: EmailNotifierDeps;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private memoryDay: string | null = null;
  /** Sessions already mailed: a session's end can be reported twice (its own event, then the DB watcher's). */
  private readonly mailed = new Set<string>();

  constructor(deps: EmailNotifierDeps) {
    this.deps = deps;
  }

  start(checkEveryMs = 30_000): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.sessions.subscribe((event) => {
      if (event.type === 'updated' && event.session.endedAt) this.track(this.sessionEnded(event.session));
    });
    this.timer = setInterval(() => this.track(this.tick()), checkEveryMs);
    this.timer.unref();
  }

  /** Stops listening and waits for mails already being sent (the config DB must still be open). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.pending]);
  }

  private readonly pending = new Set<Promise<unknown>>();

  /** Keeps a background send awaited by `stop`, and never lets it reject unheard. */
  private track(work: Promise<unknown>): void {
    const settled = work.catch((error: unknown) => this.deps.report(`Notifications: ${(error as Error).message}`)).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /** E-mails one ended session when the setting asks for it. Resolves when sent (or given up). */
  async sessionEnded(session: Session): Promise<boolean> {
    const level = this.deps.settings().emailNotifications;
    const isScheduledKind = session.kind === 'policy' || session.kind === 'health-check' || session.kind === 'configuration';
    if (!isScheduledKind || session.parentId || !session.endedAt || !LEVEL_MATCHES[level](session.status) || !this.deps.mailer.configured()) return false;
    if (this.mailed.has(session.id)) return false;
    this.mailed.add(session.id);
    if (this.mailed.size > 1000) this.mailed.delete(this.mailed.values().next().value!);
    const alert = alertFor(session);
    const subject = alert?.title ?? `Succeeded: ${session.title}`;
    const tasks = this.deps.sessions.list({ parentId: session.id, limit: 500 });
    const lines = this.deps.sessions.logs(session.id, 0, 200, 'warn').lines;
    const text = [
      `${session.title}: ${session.status}`,
      session.summary ?? '',
      `Started ${session.startedAt ?? '—'} UTC, ended ${session.endedAt} UTC.`,
      tasks.length ? `\nTasks:\n${tasks.map((t) => `  ${t.status.padEnd(9)} ${t.title}${t.summary ? ` — ${t.summary}` : ''}`).join('\n')}` : '',
      lines.length ? `\nWarnings and errors:\n${lines.map((l) => `  ${l.level}: ${l.message}`).join('\n')}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    return this.send({ subject: `Cosmos Backup: ${subject}`, text });
  }

  /** Sends the daily report when its time has come today and it was not sent yet. Returns whether it sent one. */
  async tick(): Promise<boolean> {
    const time = this.deps.settings().dailyReportTime;
    if (!time || !this.deps.mailer.configured()) return false;
    const now = this.deps.clock.now();
    const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    const [hour, minute] = time.split(':').map(Number) as [number, number];
    if (now.getHours() * 60 + now.getMinutes() < hour * 60 + minute) return false;
    const memory = this.deps.lastReportDay ?? { get: () => this.memoryDay, set: (d: string) => (this.memoryDay = d) };
    if (memory.get() === day) return false;
    memory.set(day);
    return this.send(dailyReport(this.deps, now));
  }

  private async send(message: { subject: string; text: string }): Promise<boolean> {
    try {
      await this.deps.mailer.send(message);
      return true;
    } catch (error) {
      this.deps.report(`The e-mail "${message.subject}" could not be sent: ${(error as Error).message}`);
      return false;
    }
  }
}
