import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../../src-main/azure/cloud-profiles.ts';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { browse } from '../../azure-emulator/test-browser.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { emulatorProfile, FAST, SUB } from './fixture.ts';

const ALICE = 'alice@contoso.test';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every file under `dir` (the data folder: config DB, secrets file, key file, logs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The user code from the device-code message ("… enter the code ABC123 to authenticate."). */
const userCodeOf = (message: string): string => /enter the code (\S+)/.exec(message)?.[1] ?? '';

/** Opens the app on `dataDir` as a process would: the default (encrypted file) secret store. */
const openCore = (dataDir: string): AppCore => AppCore.open({ dataDir });

describe('people sign in to Azure through the app (real msal-node against the emulator)', () => {
  let emulator: AzureEmulator;
  let profile: CloudProfile;
  const dir = makeTempDir('cosmos-backup-sign-in-');
  let core: AppCore;

  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, deviceCodeIntervalSeconds: 0.05, users: [{ userPrincipalName: ALICE, displayName: 'Alice' }] });
    profile = emulatorProfile(emulator);
    core = openCore(dir.path);
  });
  afterAll(async () => {
    await core?.close();
    await emulator?.stop();
    dir.remove();
  });

  it('device code: shows the code, waits for approval, stores the sign-in; ARM works; the token cache is encrypted on disk', async () => {
    let shown = '';
    const record = await core.azureSignIns.loginDeviceCode(profile, emulator.tenantId, (message) => {
      shown = message;
      // The person enters the code a moment later, so the app polls through authorization_pending.
      setTimeout(() => emulator.deviceCodes.approve(userCodeOf(message), { user: ALICE }), 100);
    });
    expect(shown).toMatch(/open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z0-9]{9}/);
    expect(record).toMatchObject({ kind: 'device-code', accountName: ALICE, tenantId: emulator.tenantId });

    const connection = await core.azureSignIns.connect({ cloudProfile: 'emulator' });
    expect(connection.source).toBe('stored');
    const subs = await all(connection.arm.subscriptions().subscriptions.list());
    expect(subs.map((s) => s.subscriptionId)).toContain(SUB);

    // The cache holds real tokens (read back through the secret store)…
    const cache = JSON.parse((await core.secrets.get(record.secretRef ?? '')) ?? '{}') as Record<string, Record<string, { secret: string }>>;
    const tokens = [...Object.values(cache['AccessToken'] ?? {}), ...Object.values(cache['RefreshToken'] ?? {}), ...Object.values(cache['IdToken'] ?? {})].map((t) => t.secret);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    // …and none of them is anywhere in the data folder in clear.
    for (const file of filesUnder(dir.path)) {
      const bytes = readFileSync(file);
      for (const token of tokens) expect(bytes.includes(Buffer.from(token)), `${file} holds a token in clear`).toBe(false);
    }
  });

  it('a second process uses the stored sign-in silently, renews it with the refresh token, and says so when it was revoked', async () => {
    await core.close();
    core = openCore(dir.path);
    const connection = await core.azureSignIns.connect({ cloudProfile: 'emulator' });
    const tokenCalls = () => emulator.callLog.count({ path: /oauth2\/v2\.0\/token$/ });
    const before = tokenCalls();
    expect((await all(connection.arm.subscriptions().subscriptions.list())).length).toBeGreaterThan(0);
    expect(tokenCalls()).toBe(before); // straight from the encrypted cache

    // Entra revokes the access tokens: ARM answers 401 and the app renews once with the refresh token.
    emulator.tokens.expireIssuedTokens();
    expect((await all(connection.arm.cosmos(SUB).databaseAccounts.list())).length).toBeGreaterThan(0);
    expect(emulator.callLog.count({ status: 401 })).toBeGreaterThan(0);
    expect(tokenCalls()).toBe(before + 1);

    emulator.refreshTokens.revokeAll();
    emulator.tokens.expireIssuedTokens();
    await expect(all(connection.arm.cosmos(SUB).databaseAccounts.list())).rejects.toThrow(/sign-in of alice@contoso\.test .* has expired or was revoked.*azure login/);
  });

  it('browser sign-in: the authorize page posts the code back to the loopback listener; ARM works', async () => {
    let opened = '';
    const record = await core.azureSignIns.loginInteractive(profile, emulator.tenantId, undefined, async (url) => {
      opened = url;
      // What the system browser does: load the page, which hands the code to the app's loopback listener.
      const landing = await browse(url, emulator.caCertPem);
      expect(landing.body).toContain('Signed in to Cosmos Backup');
    });
    expect(new URL(opened).searchParams.get('code_challenge_method')).toBe('S256');
    expect(record).toMatchObject({ kind: 'interactive', accountName: ALICE });
    const connection = await core.azureSignIns.connect({ cloudProfile: 'emulator' });
    expect((await all(connection.arm.subscriptions().subscriptions.list())).length).toBeGreaterThan(0);
  });

  it('declined and expired sign-ins end with clear errors and store nothing', async () => {
    const stored = () => core.azureSignIns.signIns.list().length;
    const count = stored();
    await expect(core.azureSignIns.loginDeviceCode(profile, emulator.tenantId, (m) => emulator.deviceCodes.deny(userCodeOf(m)))).rejects.toThrow(/declined \(access denied\)/);
    await expect(core.azureSignIns.loginDeviceCode(profile, emulator.tenantId, (m) => emulator.deviceCodes.expire(userCodeOf(m)))).rejects.toThrow(/device code expired/);
    emulator.authorizationCodes.refuseNext();
    await expect(core.azureSignIns.loginInteractive(profile, emulator.tenantId, undefined, async (url) => void (await browse(url, emulator.caCertPem)))).rejects.toThrow(/declined \(access denied\)/);
    expect(stored()).toBe(count);
  });
});
