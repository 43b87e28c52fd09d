import { InvalidArgumentError } from 'commander';

/** Parses a TCP port option; commander turns the error into a usage error (exit 2). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('must be a port number from 1 to 65535.');
  return port;
}

/** Parses a positive whole number option. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
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
