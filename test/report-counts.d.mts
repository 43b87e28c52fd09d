/** Passed and failed tests of one vitest JSON report (see report-counts.mjs). */
export function countReport(report: unknown): { passed: number; failed: number };
