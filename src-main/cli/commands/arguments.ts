import { InvalidArgumentError } from 'commander';

/** Parses a TCP port option; commander turns the error into a usage error (exit 2). */
export function parsePort(value: string): number {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('must be a port number from 1 to 65535.');
  return port;
}

/** Parses a positive whole number option, written in plain decimal digits (not `0x10`, `1e9` or ` 5`). */
export function parsePositiveInt(value: string): number {
  const n = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

/** Builds a parser that accepts one of `allowed` (repeatable options collect into an array). */
export function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}.`);
    return [...previous, value as T];
  };
}

/** Collects a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a repeatable `OLD=NEW` option into a map. */
export function mapping(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('must be OLD=NEW.');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
