import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { SMTP_PASSWORD_REF } from '../../../src-main/core/notifications/mailer.ts';
import { initRepository } from '../../../src-main/repository/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const bytes = (text: string) => Buffer.from(text.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

/** A message as a reader sees it: RFC 2047 encoded words in headers and the quoted-printable body decoded. */
function readable(raw: string): string {
  const at = raw.indexOf('\r\n\r\n');
  const headers = raw
    .slice(0, at)
    .replace(/\?=\s+=\?UTF-8\?Q\?/g, '')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_m, word: string) => bytes(word.replace(/_/g, ' ')));
  return `${headers}\r\n\r\n${bytes(raw.slice(at + 4).replace(/=\r\n/g, ''))}`;
}

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** E-mail notifications and the daily report, sent over SMTP to a real SMTP server the test runs on loopback. */
describe('e-mail notifications', () => {
  const dir = makeTempDir('cosmos-email-');
  const received: Received[] = [];
  const logins: { username: string; password: string }[] = [];
  let server: SMTPServer;
  let port = 0;
  let core: AppCore;
  let now = new Date(2026, 11, 4, 7, 59); // this machine's 07:59
  let policyId = '';

  beforeAll(async () => {
    server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
        if (auth.username === 'mailer' && auth.password === 'smtp-Secret-1') return callback(null, { user: 'mailer' });
        return callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: readable(raw) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    core = AppCore.open({ dataDir: join(dir.path, 'data'), clock: { now: () => now, monotonicMs: () => performance.now() } });
    const at = now.toISOString();
    for (const [key, value] of Object.entries({ emailNotifications: 'warnings', smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'mailer', emailFrom: 'backup@example.test', emailTo: 'ops@example.test, dba@example.test', dailyReportTime: '08:00' })) {
      core.settings.set(key as never, value as never, at);
    }
    await core.secrets.set(SMTP_PASSWORD_REF, 'smtp-Secret-1');
    const location = join(dir.path, 'repo');
    await initRepository(location, { password: 'pw', scrypt: { n: 1024, r: 8, p: 1 } });
    const repository = core.repositories.add({ name: 'nightly', location, kind: 'local', encrypted: true }, at);
    await core.repositoryCatalog.rememberPassword(repository.id, 'pw');
    policyId = core.policies.save({ name: 'Nightly', scope: { include: { all: true } }, repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } } }).id;
    core.emailNotifier.start(60_000);
  });
  afterAll(async () => {
    await core?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    dir.remove();
  });

  it('e-mails a policy run that ends with warnings, with its summary and warning lines, to every recipient', async () => {
    const session = core.policyRuns.start({ policyId, schedules: [] });
    await core.sessions.waitFor(session.id);
    for (let i = 0; i < 100 && !received.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail!.from).toBe('backup@example.test');
    expect(mail!.to).toEqual(['ops@example.test', 'dba@example.test']);
    expect(mail!.raw).toMatch(/Subject: Cosmos Backup: Finished with warnings: Policy "Nightly" \(run\s+now\)/);
    expect(mail!.raw).toContain('No resource in scope.');
    expect(mail!.raw).toMatch(/warn: The scope of policy "Nightly" matches no/);
    expect(logins).toEqual([{ username: 'mailer', password: 'smtp-Secret-1' }]);
    // The same end reported again (as the DB watcher may) is not mailed twice.
    expect(await core.emailNotifier.sessionEnded(core.sessions.get(session.id))).toBe(false);
    expect(mail!.raw).not.toContain('smtp-Secret-1');
  });

  it('sends the daily report once, at its time on this machine', async () => {
    received.length = 0;
    expect(await core.emailNotifier.tick()).toBe(false); // 07:59
    now = new Date(2026, 11, 4, 8, 1);
    expect(await core.emailNotifier.tick()).toBe(true);
    expect(await core.emailNotifier.tick()).toBe(false); // once a day
    expect(received).toHaveLength(1);
    expect(received[0]!.raw).toMatch(/Subject: Cosmos Backup daily report/);
    expect(received[0]!.raw).toMatch(/Sessions of the last 24 h: 1 \(0 failed, 1 with warnings\)/);
    expect(received[0]!.raw).toContain('nightly');
  });

  it('reports a mail it cannot send and goes on (wrong SMTP password)', async () => {
    await core.secrets.set(SMTP_PASSWORD_REF, 'wrong');
    received.length = 0;
    const session = core.policyRuns.start({ policyId, schedules: [] });
    const final = await core.sessions.waitFor(session.id);
    expect(final.status).toBe('warning');
    expect(await core.emailNotifier.sessionEnded(final)).toBe(false);
    expect(received).toEqual([]);
  });
});
