import { describe, expect, it } from 'vitest';
import { metered, throttle } from '../../../src-main/engines/stream-utils.ts';

async function* pieces(...sizes: number[]) {
  for (const size of sizes) yield Buffer.alloc(size);
}

describe('metered and throttle', () => {
  it('reports every piece as it passes, in order, and passes the pieces unchanged', async () => {
    const reported: number[] = [];
    const passed: number[] = [];
    for await (const piece of metered(pieces(3, 5, 7), undefined, new AbortController().signal, (bytes) => reported.push(bytes))) passed.push(piece.length);
    expect(reported).toEqual([3, 5, 7]);
    expect(passed).toEqual([3, 5, 7]);
  });

  it('holds pieces back to the given rate', async () => {
    const started = Date.now();
    let total = 0;
    // 3,000 bytes at 10,000 bytes per second: the last piece is due after 0.3 s.
    for await (const piece of throttle(pieces(1000, 1000, 1000), 10_000, new AbortController().signal)) total += piece.length;
    expect(total).toBe(3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const consume = (async () => {
      for await (const piece of throttle(pieces(1000, 1_000_000), 1000, controller.signal)) void piece;
    })();
    setTimeout(() => controller.abort(), 50);
    await expect(consume).rejects.toThrow(/abort/i);
  });
});
