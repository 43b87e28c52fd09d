import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, startAzureTestEnv, type AzureTestEnv } from './fixture.ts';

/** Resolves once `check` holds (polled every 5 ms). */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a service principal session survives Entra revoking its tokens mid-session', () => {
  let env: AzureTestEnv;
  beforeAll(async () => {
    env = await startAzureTestEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('ARM answers 401 ExpiredAuthenticationToken once; the app fetches a fresh token and the sync succeeds', async () => {
    const { emulator, core } = env;
    // Hold the first account listing back so the revocation lands while the session is running.
    emulator.faults.delayNext({ method: 'GET', path: /\/databaseAccounts$/ }, 300);
    const session = core.azure.startSync();
    await until(() => emulator.callLog.count({ path: /^\/subscriptions$/, status: 200 }) > 0);
    const tokenCallsBefore = emulator.callLog.count({ path: /oauth2\/v2\.0\/token$/ });
    emulator.tokens.expireIssuedTokens();

    const { session: final, text } = await finished(core, session);
    expect(final.status, text).toBe('succeeded');
    expect(emulator.callLog.count({ status: 401 })).toBeGreaterThan(0);
    // One refresh for the whole session, however many calls were refused at once.
    expect(emulator.callLog.count({ path: /oauth2\/v2\.0\/token$/ })).toBe(tokenCallsBefore + 1);
  });
});
