import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenCacheContext, type ISerializableTokenCache } from '@azure/msal-node';
import { afterEach, describe, expect, it } from 'vitest';
import { secretStoreCachePlugin } from '../../../src-main/azure/sign-in/token-cache-plugin.ts';
import { EncryptedFileSecretStore } from '../../../src-main/core/secrets/encrypted-file-secret-store.ts';
import { KeyFileProvider } from '../../../src-main/core/secrets/key-file-provider.ts';
import { MemorySecretStore, type SecretStore } from '../../../src-main/core/secrets/secret-store.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const SECRET = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access-token-value.signature';
const SERIALIZED = JSON.stringify({ AccessToken: { k: { secret: SECRET } }, RefreshToken: { r: { secret: 'emu-rt.refresh-token-value' } } });

/** msal's in-memory cache as the plugin sees it: serialize/deserialize of a JSON string. */
function fakeCache(initial = ''): ISerializableTokenCache & { state: string } {
  const cache = {
    state: initial,
    serialize: () => cache.state,
    deserialize: (s: string) => {
      cache.state = s;
    },
  };
  return cache;
}

describe('secretStoreCachePlugin', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  const roundTrip = async (secrets: SecretStore): Promise<void> => {
    const plugin = secretStoreCachePlugin(secrets, 'azure-token-cache:a');
    // Nothing stored yet: the cache stays empty.
    const empty = fakeCache();
    await plugin.beforeCacheAccess(new TokenCacheContext(empty, false));
    expect(empty.state).toBe('');
    // A changed cache is written…
    await plugin.afterCacheAccess(new TokenCacheContext(fakeCache(SERIALIZED), true));
    expect(await secrets.get('azure-token-cache:a')).toBe(SERIALIZED);
    // …and read back into a fresh cache (another process, another app instance).
    const restored = fakeCache();
    await plugin.beforeCacheAccess(new TokenCacheContext(restored, false));
    expect(restored.state).toBe(SERIALIZED);
    // An unchanged cache is not written back; other sign-ins' caches are untouched.
    await plugin.afterCacheAccess(new TokenCacheContext(fakeCache('{"stale":true}'), false));
    expect(await secrets.get('azure-token-cache:a')).toBe(SERIALIZED);
    expect(await secrets.get('azure-token-cache:b')).toBeUndefined();
  };

  it('round-trips msal cache through the memory secret store', async () => {
    await roundTrip(new MemorySecretStore());
  });

  it('round-trips through the encrypted file store, with no token in clear on disk', async () => {
    const dir = makeTempDir('token-cache-plugin-');
    dirs.push(dir);
    const store = () => new EncryptedFileSecretStore(join(dir.path, 'secrets.enc'), new KeyFileProvider(join(dir.path, 'secret.key')));
    await roundTrip(store());
    // A new store instance (as after a restart) decrypts the same cache.
    const again = fakeCache();
    await secretStoreCachePlugin(store(), 'azure-token-cache:a').beforeCacheAccess(new TokenCacheContext(again, false));
    expect(again.state).toBe(SERIALIZED);
    for (const name of readdirSync(dir.path)) {
      const bytes = readFileSync(join(dir.path, name));
      expect(bytes.includes(Buffer.from('access-token-value'))).toBe(false);
      expect(bytes.includes(Buffer.from('refresh-token-value'))).toBe(false);
    }
  });
});
