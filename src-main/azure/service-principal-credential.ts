import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import type { AccessToken } from '@azure/core-auth';
import { createHash, X509Certificate } from 'node:crypto';
import { AppError } from '../shared/errors.ts';
import type { CloudProfile } from './cloud-profiles.ts';
import { createMsalNetworkClient } from './msal-network-client.ts';
import type { RefreshableCredential, RefreshTokenOptions } from './refreshable-credential.ts';
import { httpsAgentFor } from './tls-agent.ts';

/** An app registration signing in on its own (unattended schedules, pipelines). Secrets stay in memory. */
export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  /** Client secret value. */
  clientSecret?: string;
  /** PEM holding the private key and the certificate (as AZURE_CLIENT_CERTIFICATE_PATH points to). */
  certificatePem?: string;
}

/**
 * A TokenCredential backed by msal-node's client-credential flow: the one adapter every ARM and
 * Blob client uses. Tokens are cached by msal until shortly before they expire; `forceRefresh`
 * skips that cache.
 */
export function createServicePrincipalCredential(profile: CloudProfile, principal: ServicePrincipal): RefreshableCredential {
  const auth: Configuration['auth'] = {
    clientId: principal.clientId,
    authority: `${profile.authorityHost}/${principal.tenantId}`,
    // Hosts we were told about are trusted as they are (custom and sovereign clouds).
    knownAuthorities: profile.kind === 'AzureCloud' ? undefined : [new URL(profile.authorityHost).host],
  };
  if (principal.clientSecret) auth.clientSecret = principal.clientSecret;
  else if (principal.certificatePem) auth.clientCertificate = certificateCredential(principal.certificatePem);
  else throw new AppError('validation_failed', 'A service principal needs a client secret or a certificate.');
  const app = new ConfidentialClientApplication({ auth, system: { networkClient: createMsalNetworkClient(httpsAgentFor(profile)) } });

  return {
    async getToken(scopes: string | string[], options?: RefreshTokenOptions): Promise<AccessToken | null> {
      if (options?.abortSignal?.aborted) throw new AppError('canceled', 'Sign-in was canceled.');
      try {
        const result = await app.acquireTokenByClientCredential({ scopes: Array.isArray(scopes) ? scopes : [scopes], skipCache: options?.forceRefresh === true });
        if (!result) throw new AppError('unauthorized', 'Entra ID returned no token.');
        return { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
      } catch (error) {
        throw translateSignInError(error, principal, profile);
      }
    },
  };
}

function certificateCredential(pem: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  const certMatch = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
  const keyMatch = pem.match(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/);
  if (!certMatch || !keyMatch) throw new AppError('validation_failed', 'The certificate file must hold both the certificate and its private key (PEM).');
  const cert = new X509Certificate(certMatch[0]);
  return { thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex'), privateKey: keyMatch[0], x5c: certMatch[0] };
}

const SIGN_IN_ERRORS: { code: string; message: (p: ServicePrincipal, c: CloudProfile) => string }[] = [
  { code: 'AADSTS7000222', message: (p) => `The client secret of application ${p.clientId} has expired. Create a new secret in Entra ID and sign in again.` },
  { code: 'AADSTS7000215', message: (p) => `The client secret of application ${p.clientId} is not valid. Check that you copied the secret's value (not its id).` },
  { code: 'AADSTS90002', message: (p, c) => `Tenant ${p.tenantId} was not found in ${c.name}. Check the tenant id and the cloud.` },
  { code: 'AADSTS700016', message: (p) => `Application ${p.clientId} was not found in tenant ${p.tenantId}: wrong tenant, or the app is not registered there.` },
  { code: 'AADSTS65001', message: (p) => `Application ${p.clientId} lacks admin consent for the permissions it needs. Ask an administrator to grant consent.` },
  { code: 'AADSTS700027', message: (p) => `The certificate of application ${p.clientId} is not registered with it or has expired.` },
  // People's sign-ins (device code, browser): declined, or the code was not entered in time.
  ...['access_denied', 'authorization_declined', 'AADSTS65004'].map((code) => ({ code, message: (p: ServicePrincipal) => `The sign-in to tenant ${p.tenantId} was declined (access denied). Sign in again and approve the request.` })),
  ...['expired_token', 'device_code_expired'].map((code) => ({ code, message: () => 'The device code expired before the sign-in was completed. Run the sign-in again and enter the new code sooner.' })),
];

/** Turns msal's errors into messages an administrator can act on. Never includes the secret. */
export function translateSignInError(error: unknown, principal: ServicePrincipal, profile: CloudProfile): AppError {
  if (error instanceof AppError) return error;
  const text = `${(error as { errorCode?: string }).errorCode ?? ''} ${(error as Error).message ?? String(error)}`;
  const known = SIGN_IN_ERRORS.find((e) => text.includes(e.code));
  if (known) return new AppError('unauthorized', known.message(principal, profile), { aadsts: known.code });
  const safe = principal.clientSecret ? text.split(principal.clientSecret).join('***') : text;
  return new AppError('unauthorized', `Sign-in to ${profile.name} failed: ${safe.trim()}`);
}
