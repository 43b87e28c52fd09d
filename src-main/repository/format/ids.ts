/** Ids are 32 bytes, written as 64 lowercase hex characters. */
export const ID_PATTERN = /^[0-9a-f]{64}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Repository file name of a pack (§3). */
export function packFileName(packId: string): string {
  return `data/${packId.slice(0, 2)}/${packId}`;
}

export function indexFileName(indexId: string): string {
  return `index/${indexId}`;
}

export function manifestFileName(restorePointId: string): string {
  return `restore-points/${restorePointId}`;
}

/** Extracts the id from a content-addressed file name, or undefined when the name is not one. */
export function idFromFileName(name: string): string | undefined {
  const id = name.slice(name.lastIndexOf('/') + 1);
  return isId(id) ? id : undefined;
}

export const PREFIX = {
  data: 'data/',
  index: 'index/',
  restorePoints: 'restore-points/',
  keys: 'keys/',
  locks: 'locks/',
} as const;

export const CONFIG_FILE = 'config';
