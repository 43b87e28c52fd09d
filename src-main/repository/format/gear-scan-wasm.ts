/**
 * The chunker's hot loop (§5.1) as a tiny hand-assembled WebAssembly module: V8's JavaScript
 * version tops out near 400 MiB/s, which made chunking the bottleneck of a backup. The module holds
 * the 256 gear words at memory offset 0 and the bytes to scan from offset DATA_OFFSET, and exports
 *
 *   find(from, end, h, mask) → index just after the first i in [from, end) where
 *     h = ((h << 1) + gear[data[i]]) mod 2^32 has (h & mask) == 0, or -1; the final h is left in
 *     the exported global `h` either way.
 *
 * This is exactly the JavaScript loop's arithmetic (i32 wraps like `| 0`), so cut points are the
 * same bit for bit; test/unit/repository/chunker.test.ts compares both on random data.
 */

/** Where scanned bytes start in the module's memory (the gear table occupies the first 1 KiB). */
export const DATA_OFFSET = 1024;

function section(id: number, content: number[]): number[] {
  return [id, ...leb128(content.length), ...content];
}

function leb128(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const I32 = 0x7f;
const body = [
  0x00, // no extra locals: params are 0 i, 1 end, 2 h, 3 mask
  0x02, 0x40, // block $done
  0x03, 0x40, //   loop $next
  0x20, 0, 0x20, 1, 0x4f, 0x0d, 1, //     if i >= end: br $done
  0x20, 2, 0x41, 1, 0x74, //     h << 1
  0x20, 0, 0x2d, 0x00, ...leb128(DATA_OFFSET), //     data[i] (load8_u offset=DATA_OFFSET)
  0x41, 2, 0x74, 0x28, 0x02, 0x00, //     gear[...] (i32.load of byte * 4)
  0x6a, 0x21, 2, //     h = h<<1 + gear
  0x20, 0, 0x41, 1, 0x6a, 0x21, 0, //     i++
  0x20, 2, 0x20, 3, 0x71, 0x45, //     (h & mask) == 0 ?
  0x04, 0x40, 0x20, 2, 0x24, 0, 0x20, 0, 0x0f, 0x0b, //     then: global h = h; return i
  0x0c, 0, //     br $next
  0x0b, // end loop
  0x0b, // end block
  0x20, 2, 0x24, 0, 0x41, 0x7f, // global h = h; return -1
  0x0b,
];

const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 1, I32]), // type: (i32 i32 i32 i32) → i32
  ...section(3, [1, 0]), // one function of type 0
  ...section(5, [1, 0x00, 1]), // memory: 1 page minimum, growable
  ...section(6, [1, I32, 1, 0x41, 0, 0x0b]), // global h: mutable i32 = 0
  ...section(7, [3, 3, 0x6d, 0x65, 0x6d, 2, 0, 4, 0x66, 0x69, 0x6e, 0x64, 0, 0, 1, 0x68, 3, 0]), // exports mem, find, h
  ...section(10, [1, ...leb128(body.length), ...body]),
]);

// The project's type libraries do not declare WebAssembly (no DOM lib); Node always has it. These
// are the few members used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  value: unknown;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** One instance per chunker: it owns a copy of the gear table and a scratch window. */
export class GearScanner {
  private readonly memory: WasmMemory;
  private readonly find: (from: number, end: number, h: number, mask: number) => number;
  private readonly hash: WasmGlobal;
  private readonly window: Uint8Array;
  /** The hash after the last byte `scan` looked at. */
  lastHash = 0;

  constructor(gear: Int32Array, windowSize: number) {
    compiled ??= new wasm.Module(MODULE_BYTES);
    const instance = new wasm.Instance(compiled, {});
    this.memory = instance.exports['mem'] as WasmMemory;
    this.find = instance.exports['find'] as (from: number, end: number, h: number, mask: number) => number;
    this.hash = instance.exports['h'] as WasmGlobal;
    const needed = DATA_OFFSET + windowSize;
    const pages = Math.ceil(needed / 65536) - this.memory.buffer.byteLength / 65536;
    if (pages > 0) this.memory.grow(pages);
    new Int32Array(this.memory.buffer, 0, 256).set(gear);
    this.window = new Uint8Array(this.memory.buffer, DATA_OFFSET, windowSize);
  }

  /**
   * Scans `data[from, end)` continuing hash `h`; returns the index in `data` just after the first
   * byte whose hash has no bit of `mask` set, or -1. `lastHash` then holds the hash after the last
   * byte scanned.
   */
  scan(data: Uint8Array, from: number, end: number, h: number, mask: number): number {
    const window = this.window;
    const size = window.length;
    for (let position = from; position < end; ) {
      const length = Math.min(size, end - position);
      window.set(data.subarray(position, position + length));
      const found = this.find(0, length, h, mask);
      h = this.hash.value as number;
      if (found >= 0) {
        this.lastHash = h;
        return position + found;
      }
      position += length;
    }
    this.lastHash = h;
    return -1;
  }
}
