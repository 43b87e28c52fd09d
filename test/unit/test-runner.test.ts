import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countReport } from '../report-counts.mjs';
import { makeTempDir } from '../helpers/temp-dir.ts';

const fixtures = fileURLToPath(new URL('./fixtures/runner', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs vitest on some fixture suites, as `npm test` runs a project, and returns its JSON report. */
function vitestReport(files: string[]): unknown {
  const dir = makeTempDir();
  try {
    const out = join(dir.path, 'report.json');
    spawnSync(process.execPath, [vitest, 'run', '--config', join(fixtures, 'vitest.config.ts'), '--reporter=json', `--outputFile.json=${out}`, ...files], { cwd: fixtures, encoding: 'utf8' });
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    dir.remove();
  }
}

describe("npm test's counting", () => {
  it('counts a suite whose beforeAll fails as a failure, not as skipped tests', () => {
    expect(countReport(vitestReport(['setup-fails.fixture.ts', 'passes.fixture.ts']))).toEqual({ passed: 1, failed: 1 });
  }, 60_000);

  it('counts failing tests one each, and a missing report as a failure', () => {
    expect(countReport(vitestReport(['failing-test.fixture.ts', 'passes.fixture.ts']))).toEqual({ passed: 1, failed: 1 });
    expect(countReport(undefined)).toEqual({ passed: 0, failed: 1 });
  }, 60_000);
});
