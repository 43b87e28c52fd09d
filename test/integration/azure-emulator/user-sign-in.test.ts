import { PublicClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { armClientOptions, createMsalNetworkClient } from '../../azure-emulator/client-helpers.ts';
import { AZURE_CLI_CLIENT_ID } from '../../azure-emulator/index.ts';
import { browse } from '../../azure-emulator/test-browser.ts';
import { all, FAST, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

const ARM_SCOPE = ['https://management.azure.com/.default'];

function publicApp(emulator: AzureEmulator): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: AZURE_CLI_CLIENT_ID, authority: `${emulator.authorityHost}/${emulator.tenantId}`, knownAuthorities: [new URL(emulator.authorityHost).host] },
    system: { networkClient: createMsalNetworkClient(emulator.caCertPem) },
  });
}

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('people sign in with real msal-node: device code, browser (auth code + PKCE), refresh token', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: false, deviceCodeIntervalSeconds: 0.05, users: [{ userPrincipalName: 'alice@contoso.test' }, { userPrincipalName: 'reader@contoso.test', permissions: [{ scope: '/', actions: ['*/read'] }] }] });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('device code: pending until approved, then user tokens that ARM accepts; silent renewal by refresh token', async () => {
    const app = publicApp(emulator);
    let message = '';
    const result = await app.acquireTokenByDeviceCode({
      scopes: ARM_SCOPE,
      deviceCodeCallback: (r) => {
        message = r.message;
        // The person approves a little later: the app has to poll through authorization_pending.
        setTimeout(() => emulator.deviceCodes.approve(r.userCode, { user: 'alice@contoso.test' }), 150);
      },
    });
    expect(message).toMatch(new RegExp(`open the page ${emulator.authorityHost}/devicelogin and enter the code [A-Z0-9]{9}`));
    expect(result?.account?.username).toBe('alice@contoso.test');
    expect(result?.account?.tenantId).toBe(emulator.tenantId);
    const claims = claimsOf(result?.accessToken ?? '');
    expect(claims).toMatchObject({ aud: 'https://management.azure.com/', tid: emulator.tenantId, preferred_username: 'alice@contoso.test', appid: AZURE_CLI_CLIENT_ID, oid: emulator.users.get('alice@contoso.test')?.objectId });
    expect(emulator.callLog.count({ path: /oauth2\/v2\.0\/token$/ })).toBeGreaterThan(1);

    const credential = { getToken: async () => ({ token: result?.accessToken ?? '', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const subs = await all(new SubscriptionClient(credential, armClientOptions(emulator)).subscriptions.list());
    expect(subs.map((s) => s.subscriptionId)).toContain(SUB);

    const renewed = await app.acquireTokenSilent({ account: result!.account!, scopes: ARM_SCOPE, forceRefresh: true });
    expect(renewed.accessToken).not.toBe(result?.accessToken);
    emulator.refreshTokens.revokeAll();
    await expect(app.acquireTokenSilent({ account: result!.account!, scopes: ARM_SCOPE, forceRefresh: true })).rejects.toThrow(/AADSTS50173|invalid_grant/);
  });

  it('device code: denial and expiry end the polling with access_denied and expired_token', async () => {
    const app = publicApp(emulator);
    await expect(app.acquireTokenByDeviceCode({ scopes: ARM_SCOPE, deviceCodeCallback: (r) => emulator.deviceCodes.deny(r.userCode) })).rejects.toThrow(/access_denied/);
    await expect(app.acquireTokenByDeviceCode({ scopes: ARM_SCOPE, deviceCodeCallback: (r) => emulator.deviceCodes.expire(r.userCode) })).rejects.toThrow(/expired_token/);
    expect(emulator.deviceCodes.pending()).toEqual([]);
  });

  it('browser: authorize posts the code back to the loopback listener, PKCE is checked, ARM sees the user', async () => {
    const app = publicApp(emulator);
    let landing = '';
    emulator.authorizationCodes.signInAs('reader@contoso.test');
    const result = await app.acquireTokenInteractive({
      scopes: ARM_SCOPE,
      openBrowser: async (url) => {
        expect(new URL(url).pathname).toBe(`/${emulator.tenantId}/oauth2/v2.0/authorize`);
        landing = (await browse(url, emulator.caCertPem)).body;
      },
      successTemplate: 'signed-in',
    });
    emulator.authorizationCodes.signInAs(undefined);
    expect(landing).toBe('signed-in');
    expect(result.account?.username).toBe('reader@contoso.test');
    const credential = { getToken: async () => ({ token: result.accessToken, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new SubscriptionClient(credential, armClientOptions(emulator));
    expect((await all(client.subscriptions.list())).length).toBeGreaterThan(0);

    emulator.authorizationCodes.refuseNext();
    await expect(app.acquireTokenInteractive({ scopes: ARM_SCOPE, openBrowser: async (url) => void (await browse(url, emulator.caCertPem)) })).rejects.toThrow(/access_denied/);
  });

  it('refuses a code redeemed with the wrong PKCE verifier', async () => {
    const query = new URLSearchParams({ client_id: AZURE_CLI_CLIENT_ID, redirect_uri: 'http://localhost:1/', response_type: 'code', scope: ARM_SCOPE[0]!, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', state: 's' });
    const authorize = await browse(`${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/authorize?${query}`, emulator.caCertPem, 0);
    expect(authorize.status).toBe(302);
    const code = new URL(String(authorize.headers['location'])).searchParams.get('code') ?? '';
    const app = publicApp(emulator);
    await expect(app.acquireTokenByCode({ code, codeVerifier: 'not-the-verifier-'.repeat(3), redirectUri: 'http://localhost:1/', scopes: ARM_SCOPE })).rejects.toThrow(/AADSTS501481/);
  });
});
