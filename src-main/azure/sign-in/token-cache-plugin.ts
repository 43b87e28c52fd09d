import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { SecretStore } from '../../core/secrets/secret-store.ts';

/**
 * msal-node's token cache persisted through the secret store: encrypted at rest (Electron
 * safeStorage on the desktop, a user-only key file headless), never in the config DB. Each
 * sign-in has its own cache under its own ref, so signing out of one tenant leaves the others.
 */
export function secretStoreCachePlugin(secrets: SecretStore, ref: string): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      const stored = await secrets.get(ref);
      if (stored) context.tokenCache.deserialize(stored);
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (context.cacheHasChanged) await secrets.set(ref, context.tokenCache.serialize());
    },
  };
}
