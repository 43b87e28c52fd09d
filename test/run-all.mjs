#!/usr/bin/env node
// The project's one test command (`npm test`): typecheck, lint, then the unit, integration and
// browser suites. Each stage runs even when an earlier one failed, and the last line is the
// plain `N passed, N failed` summary CI reads. Typecheck and lint count as one test each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countReport } from './report-counts.mjs';

const only = process.argv.slice(2);
const reportDir = mkdtempSync(join(tmpdir(), 'cosmos-backup-test-'));
let passed = 0;
let failed = 0;
const summary = [];

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  return { ok: result.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function countCheck(label, command, args) {
  if (only.length && !only.includes(label)) return;
  const { ok, seconds } = run(label, command, args);
  if (ok) passed++;
  else failed++;
  summary.push(`${label}: ${ok ? 'ok' : 'FAILED'} (${seconds}s)`);
}

function vitestProject(project, extraBefore) {
  if (only.length && !only.includes(project)) return;
  if (extraBefore) {
    const built = run(`${project} (build)`, extraBefore[0], extraBefore[1]);
    if (!built.ok) {
      failed++;
      summary.push(`${project}: build FAILED`);
      return;
    }
  }
  const out = join(reportDir, `${project}.json`);
  const { seconds } = run(project, 'npx', [
    'vitest', 'run', '--config', 'test/vitest.config.ts', '--project', project,
    '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, '--passWithNoTests',
  ]);
  let report;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    report = undefined;
  }
  const { passed: p, failed: f } = countReport(report);
  passed += p;
  failed += f;
  summary.push(`${project}: ${p} passed, ${f} failed (${seconds}s)`);
}

countCheck('typecheck', 'npm', ['run', '--silent', 'typecheck']);
countCheck('lint', 'npm', ['run', '--silent', 'lint']);
vitestProject('unit');
// FerretDB, mongodump and mongorestore for the MongoDB suites: built once per machine, then cached.
if (!only.length || only.includes('integration')) countCheck('test peers', 'node', ['test/peers/build-peers.mjs']);
vitestProject('integration');
vitestProject('browser', ['npm', ['run', '--silent', 'build']]);
// The reliability suite in its bounded form (20 kill -9 trials per repository storage, 200 bit flips); `npm run test:faults` runs more.
process.env.FAULTS_BOUNDED ??= '1';
vitestProject('faults');
rmSync(reportDir, { recursive: true, force: true });

console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
