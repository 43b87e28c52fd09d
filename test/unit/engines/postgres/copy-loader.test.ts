import { describe, expect, it } from 'vitest';
import { withoutEndOfData } from '../../../../src-main/engines/postgres/copy-loader.ts';

async function collect(pieces: string[]): Promise<string> {
  async function* source() {
    for (const piece of pieces) yield Buffer.from(piece);
  }
  const out: Buffer[] = [];
  for await (const piece of withoutEndOfData(source())) out.push(piece);
  return Buffer.concat(out).toString();
}

describe('withoutEndOfData', () => {
  const rows = '1\tone\n2\ttwo\n';

  it('drops the end marker pg_dump writes, wherever the pieces are cut', async () => {
    const text = rows + '\\.\n\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await collect([text.slice(0, cut), text.slice(cut)])).toBe(rows);
    }
    expect(await collect([...text])).toBe(rows); // one byte at a time
  });

  it('passes text without the marker through whole, including a marker-like row inside', async () => {
    expect(await collect([rows])).toBe(rows);
    expect(await collect(['1\t\\.\n\n\n', rows])).toBe('1\t\\.\n\n\n' + rows);
    expect(await collect(['ab'])).toBe('ab');
    expect(await collect([])).toBe('');
  });

  it('never hands out a view of a buffer it keeps', async () => {
    const first = Buffer.from(rows + '\\.\n');
    async function* source() {
      yield first;
      yield Buffer.from('\n\n');
    }
    const iterator = withoutEndOfData(source());
    const out: Buffer[] = [];
    for await (const piece of iterator) {
      out.push(Buffer.from(piece));
      first.fill(0x7a); // the caller may reuse its buffer once a piece has been handed on
    }
    expect(Buffer.concat(out).toString()).toBe(rows);
  });
});
