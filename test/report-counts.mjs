// How `npm test` counts a vitest JSON report. Kept apart from run-all.mjs so a unit test can check
// it against real vitest runs.

/**
 * Passed and failed tests of one vitest JSON report. A test file whose set-up failed (a failing
 * `beforeAll`, an import error) has no failed test of its own — its tests are merely skipped — so
 * it counts as one failure; a missing or unreadable report counts as one failure too.
 */
export function countReport(report) {
  if (!report || typeof report !== 'object' || !Array.isArray(report.testResults)) return { passed: 0, failed: 1 };
  let failed = report.numFailedTests ?? 0;
  for (const file of report.testResults) {
    const ownFailures = (file.assertionResults ?? []).filter((test) => test.status === 'failed').length;
    if (file.status === 'failed' && ownFailures === 0) failed++;
  }
  return { passed: report.numPassedTests ?? 0, failed };
}
