import { randomBytes, randomUUID } from 'node:crypto';

/** A Cosmos-style resource id ("3fu-hg=="): base64 with '/' replaced by '-', as Cosmos prints them. */
export function newRid(bytes = 4): string {
  return randomBytes(bytes).toString('base64').replace(/\//g, '-');
}

export function newGuid(): string {
  return randomUUID();
}

/** Account names: 3–44 characters, lower-case letters, digits and hyphens, no hyphen at either end. */
export function isValidAccountName(name: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{1,42})[a-z0-9]$/.test(name);
}
