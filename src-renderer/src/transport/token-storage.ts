/**
 * The service token kept in the tab's `sessionStorage`: it survives a reload of the same tab but
 * not the tab itself, is never shared with other tabs, and never appears in the address bar or in
 * history. Storage can be unavailable (blocked, full): then a reload simply needs the printed
 * address again.
 */

export const TOKEN_STORAGE_KEY = 'cosmos-backup.service-token';

/** The part of `Storage` used here (tests pass a map). */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function recallToken(storage: TokenStorage | null): string | null {
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

export function rememberToken(storage: TokenStorage | null, token: string): void {
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage refused: the token lives in memory only, as before.
  }
}

/** The window's sessionStorage, or null when the browser refuses access to it. */
export function sessionStorageOf(win: Window): TokenStorage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}
