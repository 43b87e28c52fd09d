import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let dir: ReturnType<typeof makeTempDir>;
let core: AppCore;
let now = new Date('2026-01-01T00:00:00Z');

beforeEach(() => {
  dir = makeTempDir();
  now = new Date('2026-01-01T00:00:00Z');
  core = AppCore.open({ dataDir: dir.path, clock: { now: () => now, monotonicMs: () => performance.now() } });
});
afterEach(async () => {
  await core.close();
  dir.remove();
});

describe('session history', () => {
  it('forgets ended sessions older than sessionLogRetentionDays, with their logs, and keeps the rest', async () => {
    const old = core.sessions.start({ kind: 'repository', title: 'old' }, async (ctx) => ctx.info('old line'));
    await core.sessions.waitFor(old.id);
    now = new Date('2026-05-01T00:00:00Z');
    const recent = core.sessions.start({ kind: 'repository', title: 'recent' }, async (ctx) => ctx.info('recent line'));
    await core.sessions.waitFor(recent.id);
    core.settings.set('sessionLogRetentionDays', 90, now.toISOString());
    expect(core.pruneSessionHistory()).toBe(1);
    expect(core.sessions.list({ limit: 10 }).map((s) => s.title)).toEqual(['recent']);
    expect(() => core.sessions.get(old.id)).toThrow();
    expect(core.db.prepare('SELECT COUNT(*) FROM session_log WHERE session_id = ?').pluck().get(old.id)).toBe(0);
    expect(core.sessions.logs(recent.id, 0, 10, 'debug').lines.map((l) => l.message)).toContain('recent line');
  });
});
