import { spawn } from 'node:child_process';
import { InteractionRequiredAuthError, PublicClientApplication, type AccountInfo } from '@azure/msal-node';
import type { AccessToken } from '@azure/core-auth';
import type { SecretStore } from '../../core/secrets/secret-store.ts';
import { AppError } from '../../shared/errors.ts';
import type { CloudProfile } from '../cloud-profiles.ts';
import { createMsalNetworkClient } from '../msal-network-client.ts';
import type { RefreshableCredential, RefreshTokenOptions } from '../refreshable-credential.ts';
import { translateSignInError } from '../service-principal-credential.ts';
import { httpsAgentFor } from '../tls-agent.ts';
import { secretStoreCachePlugin } from './token-cache-plugin.ts';

/**
 * The public client used for people's sign-ins when no app registration of their own is given:
 * Microsoft's well-known Azure CLI client id, which every tenant accepts for ARM.
 */
export const DEFAULT_PUBLIC_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export interface PublicSignIn {
  tenantId: string;
  clientId: string;
  /** Secret-store ref of this sign-in's token cache. */
  cacheRef: string;
}

function publicApp(profile: CloudProfile, signIn: PublicSignIn, secrets: SecretStore): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: signIn.clientId,
      authority: `${profile.authorityHost}/${signIn.tenantId}`,
      knownAuthorities: profile.kind === 'AzureCloud' ? undefined : [new URL(profile.authorityHost).host],
    },
    cache: { cachePlugin: secretStoreCachePlugin(secrets, signIn.cacheRef) },
    system: { networkClient: createMsalNetworkClient(httpsAgentFor(profile)) },
  });
}

const scopesOf = (profile: CloudProfile) => [`${profile.armAudience}/.default`];

/** Signs a person in with the device-code flow; `show` prints the code and URL. Returns the account's user name. */
export async function signInWithDeviceCode(profile: CloudProfile, signIn: PublicSignIn, secrets: SecretStore, show: (message: string) => void, signal?: AbortSignal): Promise<string> {
  const app = publicApp(profile, signIn, secrets);
  const request = { scopes: scopesOf(profile), deviceCodeCallback: (r: { message: string }) => show(r.message), cancel: false };
  signal?.addEventListener('abort', () => (request.cancel = true), { once: true });
  try {
    const result = await app.acquireTokenByDeviceCode(request);
    if (!result?.account) throw new AppError('unauthorized', 'Entra ID returned no account for the device-code sign-in.');
    return result.account.username;
  } catch (error) {
    throw translateSignInError(error, { tenantId: signIn.tenantId, clientId: signIn.clientId }, profile);
  }
}

/** Opens a URL in the system browser (xdg-open, open, or start). */
export function openSystemBrowser(url: string): Promise<void> {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** Signs a person in through the system browser with a loopback redirect (msal runs the listener). */
export async function signInInteractively(profile: CloudProfile, signIn: PublicSignIn, secrets: SecretStore, openBrowser: (url: string) => Promise<void> = openSystemBrowser): Promise<string> {
  const app = publicApp(profile, signIn, secrets);
  try {
    const result = await app.acquireTokenInteractive({
      scopes: scopesOf(profile),
      openBrowser,
      successTemplate: '<h1>Signed in to Cosmos Backup.</h1><p>You can close this window.</p>',
      errorTemplate: '<h1>Sign-in failed.</h1><p>Return to Cosmos Backup for details.</p>',
    });
    if (!result?.account) throw new AppError('unauthorized', 'Entra ID returned no account for the sign-in.');
    return result.account.username;
  } catch (error) {
    throw translateSignInError(error, { tenantId: signIn.tenantId, clientId: signIn.clientId }, profile);
  }
}

/**
 * A TokenCredential over a person's stored sign-in: tokens come silently from the encrypted cache
 * (refreshed with its refresh token; `forceRefresh` redeems the refresh token even when the cached
 * access token looks valid). When that is no longer possible the error says to sign in again.
 */
export function createPublicClientCredential(profile: CloudProfile, signIn: PublicSignIn, secrets: SecretStore): RefreshableCredential {
  const app = publicApp(profile, signIn, secrets);
  return {
    async getToken(scopes: string | string[], options?: RefreshTokenOptions): Promise<AccessToken | null> {
      if (options?.abortSignal?.aborted) throw new AppError('canceled', 'Sign-in was canceled.');
      const accounts: AccountInfo[] = await app.getTokenCache().getAllAccounts();
      const account = accounts.find((a) => a.tenantId.toLowerCase() === signIn.tenantId.toLowerCase()) ?? accounts[0];
      if (!account) throw new AppError('unauthorized', `No stored sign-in for tenant ${signIn.tenantId} in ${profile.name}. Run "cosmos-backup azure login" again.`);
      try {
        const result = await app.acquireTokenSilent({ account, scopes: Array.isArray(scopes) ? scopes : [scopes], forceRefresh: options?.forceRefresh === true });
        return { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
      } catch (error) {
        // A refused refresh token (revoked, expired, password changed) comes back as invalid_grant.
        if (error instanceof InteractionRequiredAuthError || (error as { errorCode?: string }).errorCode === 'invalid_grant') {
          throw new AppError('unauthorized', `The sign-in of ${account.username} to tenant ${signIn.tenantId} has expired or was revoked (${(error as { errorCode?: string }).errorCode ?? 'invalid_grant'}). Run "cosmos-backup azure login" again.`);
        }
        throw translateSignInError(error, { tenantId: signIn.tenantId, clientId: signIn.clientId }, profile);
      }
    },
  };
}
