/**
 * The round with the median ours/baseline ratio (the lower middle one for an even count). The
 * benchmarks interleave rounds of ours and the baseline because this shared machine moves by
 * ±20 % within minutes; the median pair is the figure that counts.
 */
export function medianRound<T extends { ours: number; baseline: number }>(rounds: readonly T[]): T {
  if (rounds.length === 0) throw new Error('no rounds to take a median of');
  const byRatio = [...rounds].sort((a, b) => a.ours / a.baseline - b.ours / b.baseline);
  return byRatio[Math.floor((byRatio.length - 1) / 2)]!;
}
