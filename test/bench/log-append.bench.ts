// Benchmark: session log lines appended into SQLite through the real session path (ctx.info →
// batching → one transaction per batch), against the named baseline "one INSERT per line in its
// own transaction" measured in the same run. Target: ≥ 50,000 lines/s.
// Run: npm run bench:log-append
import { join } from 'node:path';
import { AppCore } from '../../src-main/app/app-core.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const LINES = 300_000;
const BASELINE_LINES = 20_000;

const dir = makeTempDir('cosmos-backup-bench-');
const core = AppCore.open({ dataDir: join(dir.path, 'data') });

// Baseline: autocommit insert per line, the naive way.
const baselineSession = core.sessions.start({ kind: 'sync', title: 'baseline' }, async () => undefined);
await core.sessions.waitFor(baselineSession.id);
const insert = core.db.prepare('INSERT INTO session_log (session_id, seq, time, level, message) VALUES (?, ?, ?, ?, ?)');
let started = performance.now();
for (let i = 1; i <= BASELINE_LINES; i++) insert.run(baselineSession.id, 1000 + i, new Date().toISOString(), 'info', `baseline line ${i} with some typical text about an account`);
const baselineRate = BASELINE_LINES / ((performance.now() - started) / 1000);

// Measured: the real session path.
started = performance.now();
const session = core.sessions.start({ kind: 'sync', title: 'bench' }, async (ctx) => {
  for (let i = 1; i <= LINES; i++) {
    ctx.info(`line ${i} with some typical text about an account`);
    if (i % 10_000 === 0) await new Promise((r) => setImmediate(r));
  }
});
const final = await core.sessions.waitFor(session.id);
const seconds = (performance.now() - started) / 1000;
const stored = core.db.prepare('SELECT COUNT(*) FROM session_log WHERE session_id = ?').pluck().get(session.id) as number;
const rate = LINES / seconds;
await core.close();
dir.remove();

if (stored !== LINES || final.lastSeq !== LINES) throw new Error(`stored ${stored} of ${LINES} lines`);
console.log(JSON.stringify({ benchmark: 'log-append', lines: LINES, seconds: +seconds.toFixed(2), linesPerSecond: Math.round(rate), baselineLinesPerSecond: Math.round(baselineRate), ratioVsBaseline: +(rate / baselineRate).toFixed(1), target: 50_000, meetsTarget: rate >= 50_000 }));
