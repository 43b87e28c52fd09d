import { describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncryptedFileSecretStore } from '../../../src-main/core/secrets/encrypted-file-secret-store.ts';
import { KeyFileProvider } from '../../../src-main/core/secrets/key-file-provider.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

function storeIn(dir: string) {
  return new EncryptedFileSecretStore(join(dir, 'secrets.enc'), new KeyFileProvider(join(dir, 'secret.key')));
}

describe('encrypted file secret store', () => {
  it('round-trips secrets, keeps no clear text on disk and a user-only key', async () => {
    const dir = makeTempDir();
    const store = storeIn(dir.path);
    const secret = 'S3cret-P@ssw0rd-that-must-not-leak';
    await store.set('repo:main', secret);
    await store.set('sp:client', 'another-value');
    expect(await store.get('repo:main')).toBe(secret);
    expect(await storeIn(dir.path).get('sp:client')).toBe('another-value');
    expect(readFileSync(join(dir.path, 'secrets.enc'), 'utf8')).not.toContain(secret);
    expect(statSync(join(dir.path, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.path, 'secrets.enc')).mode & 0o777).toBe(0o600);
    await store.delete('repo:main');
    expect(await store.get('repo:main')).toBeUndefined();
    expect(await store.get('sp:client')).toBe('another-value');
    dir.remove();
  });

  it('refuses a key file other users can read', async () => {
    const dir = makeTempDir();
    await storeIn(dir.path).set('a', 'b');
    chmodSync(join(dir.path, 'secret.key'), 0o644);
    await expect(storeIn(dir.path).get('a')).rejects.toThrow(/readable by other users/);
    dir.remove();
  });

  it('detects a value moved to another ref or tampered with', async () => {
    const dir = makeTempDir();
    const store = storeIn(dir.path);
    await store.set('low', 'public-ish');
    await store.set('high', 'crown-jewels');
    const file = join(dir.path, 'secrets.enc');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.entries.low = doc.entries.high;
    writeFileSync(file, JSON.stringify(doc));
    await expect(storeIn(dir.path).get('low')).rejects.toThrow(/cannot be decrypted/);
    expect(await storeIn(dir.path).get('high')).toBe('crown-jewels');
    dir.remove();
  });

  it('serializes concurrent writes without losing any', async () => {
    const dir = makeTempDir();
    const store = storeIn(dir.path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    const fresh = storeIn(dir.path);
    for (let i = 0; i < 20; i++) expect(await fresh.get(`k${i}`)).toBe(`v${i}`);
    dir.remove();
  });
});
