import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { armClientOptions, createMsalApp } from '../../azure-emulator/client-helpers.ts';
import { all, cosmosClient, credentialFor, FAST, READER, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

const ARM_SCOPE = ['https://management.azure.com/.default'];

function getJson(emulator: AzureEmulator, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(`${emulator.authorityHost}${path}`, { ca: emulator.caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    })
      .on('error', reject)
      .end();
  });
}

describe('Entra ID token endpoint with real msal-node, and ARM authentication', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: false });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('issues a signed ARM token for client credentials with a secret', async () => {
    const app = createMsalApp({ ...emulator, caCertPem: emulator.caCertPem });
    const result = await app.acquireTokenByClientCredential({ scopes: ARM_SCOPE });
    const [, payload] = (result?.accessToken ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://management.azure.com/', tid: emulator.tenantId, appid: emulator.clientId });
    expect(Number(claims['exp'])).toBeGreaterThan(Date.now() / 1000);
    expect(emulator.callLog.count({ path: /oauth2\/v2\.0\/token$/ })).toBeGreaterThan(0);
    expect(emulator.callLog.count({ path: /openid-configuration$/ })).toBeGreaterThan(0);
  });

  it('accepts a client assertion signed by a registered certificate', async () => {
    const cert = await generate([{ name: 'commonName', value: 'cosmos-backup-client' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    emulator.principals.addCertificate(emulator.clientId, cert.cert);
    const thumbprintSha256 = new X509Certificate(cert.cert).fingerprint256.replace(/:/g, '');
    const app = createMsalApp({ authorityHost: emulator.authorityHost, tenantId: emulator.tenantId, clientId: emulator.clientId, caCertPem: emulator.caCertPem, clientCertificate: { thumbprintSha256, privateKey: cert.private } });
    const result = await app.acquireTokenByClientCredential({ scopes: ARM_SCOPE });
    expect(result?.accessToken).toMatch(/^ey/);

    const other = await generate([{ name: 'commonName', value: 'unregistered' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    const stranger = createMsalApp({ authorityHost: emulator.authorityHost, tenantId: emulator.tenantId, clientId: emulator.clientId, caCertPem: emulator.caCertPem, clientCertificate: { thumbprintSha256: new X509Certificate(other.cert).fingerprint256.replace(/:/g, ''), privateKey: other.private } });
    await expect(stranger.acquireTokenByClientCredential({ scopes: ARM_SCOPE })).rejects.toThrow(/AADSTS700027/);
  });

  it('answers Entra errors: wrong tenant, wrong secret, expired secret, unknown app', async () => {
    const base = { authorityHost: emulator.authorityHost, caCertPem: emulator.caCertPem, tenantId: emulator.tenantId, clientId: emulator.clientId };
    const badSecret = createMsalApp({ ...base, clientSecret: 'wrong' });
    await expect(badSecret.acquireTokenByClientCredential({ scopes: ARM_SCOPE })).rejects.toThrow(/AADSTS7000215/);
    const unknownApp = createMsalApp({ ...base, clientId: '00000000-0000-4000-8000-000000000bad', clientSecret: 'x' });
    await expect(unknownApp.acquireTokenByClientCredential({ scopes: ARM_SCOPE })).rejects.toThrow(/AADSTS700016/);
    // msal fails at discovery for an unknown tenant; the endpoint itself says AADSTS90002.
    const wrongTenant = createMsalApp({ ...base, tenantId: 'contoso-missing', clientSecret: emulator.clientSecret });
    await expect(wrongTenant.acquireTokenByClientCredential({ scopes: ARM_SCOPE })).rejects.toThrow();
    const discovery = await getJson(emulator, '/contoso-missing/v2.0/.well-known/openid-configuration');
    expect(discovery.status).toBe(400);
    expect(String(discovery.body['error_description'])).toMatch(/^AADSTS90002/);

    emulator.principals.addSecret(READER.clientId, { value: 'soon-expired', expiresAt: emulator.now() + 60_000 });
    emulator.advanceTime(120_000);
    const expired = createMsalApp({ ...base, clientId: READER.clientId, clientSecret: 'soon-expired' });
    await expect(expired.acquireTokenByClientCredential({ scopes: ARM_SCOPE })).rejects.toThrow(/AADSTS7000222/);
  });

  it('serves instance discovery for its own host', async () => {
    const r = await getJson(emulator, `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/authorize`)}`);
    expect(r.status).toBe(200);
    expect(r.body['tenant_discovery_endpoint']).toBe(`${emulator.authorityHost}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
  });

  it('lists subscriptions through @azure/arm-resources-subscriptions', async () => {
    const client = new SubscriptionClient(credentialFor(emulator), armClientOptions(emulator));
    const subs = await all(client.subscriptions.list());
    expect(subs.map((s) => s.displayName).sort()).toEqual(['Development', 'Production']);
    const one = await client.subscriptions.get(SUB);
    expect(one.tenantId).toBe(emulator.tenantId);
  });

  it('rejects ARM calls with expired tokens (401 ExpiredAuthenticationToken) until a new token is fetched', async () => {
    const credential = credentialFor(emulator);
    const client = cosmosClient(emulator, SUB, credential);
    await client.databaseAccounts.get('rg-prod', 'orders-sql');
    emulator.tokens.expireIssuedTokens();
    await expect(client.databaseAccounts.get('rg-prod', 'orders-sql')).rejects.toMatchObject({ statusCode: 401, code: 'ExpiredAuthenticationToken' });
    // a fresh app (empty cache) gets a new token that works
    expect((await cosmosClient(emulator).databaseAccounts.get('rg-prod', 'orders-sql')).name).toBe('orders-sql');
  });

  it('returns 403 AuthorizationFailed naming the denied action', async () => {
    const reader = cosmosClient(emulator, SUB, credentialFor(emulator, READER));
    expect((await reader.databaseAccounts.get('rg-prod', 'orders-sql')).name).toBe('orders-sql');
    const err = await reader.databaseAccounts.update('rg-prod', 'orders-sql', { tags: { x: '1' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(String((err as Error).message)).toContain("'Microsoft.DocumentDB/databaseAccounts/write'");
  });
});
