import type { LogLine, Session } from '../../../src-main/shared/session.ts';

/**
 * A session as a plain-text file: its facts (times in UTC) and summary, then every log line. What an
 * admin attaches to a ticket. Pure.
 */
export function sessionExportText(session: Session, lines: readonly LogLine[]): string {
  const facts = [
    `Session: ${session.title}`,
    `Kind: ${session.kind}`,
    `Status: ${session.status}`,
    `Created: ${session.createdAt} (UTC)`,
    `Started: ${session.startedAt ?? '—'} (UTC)`,
    `Ended: ${session.endedAt ?? '—'} (UTC)`,
    `Summary: ${session.summary ?? '—'}`,
    `Warnings: ${session.warningCount}, errors: ${session.errorCount}`,
    `Id: ${session.id}`,
  ];
  return `${facts.join('\n')}\n\n${lines.map((line) => `${line.time} ${line.level.toUpperCase().padEnd(5)} ${line.message}`).join('\n')}\n`;
}
