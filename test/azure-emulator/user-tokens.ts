import { aadError } from './aad-error.ts';
import type { EmulatorReply } from './http-types.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { ARM_AUDIENCES } from './tokens.ts';
import type { TokenService } from './tokens.ts';
import type { EmulatorUser } from './users.ts';

/** What issuing a person's tokens needs. */
export interface UserTokenDeps {
  tenantId: string;
  tokens: TokenService;
  refreshTokens: RefreshTokens;
  baseUrl: () => string;
}

/** The ARM audience a `scope` parameter asks for (`https://management.azure.com/.default`), or Entra's error. */
export function audienceOf(scope: string, tenantId: string): { audience: string; resourceScope: string } | { error: EmulatorReply } {
  const resourceScope = scope.split(' ').find((s) => s.endsWith('/.default') || s.endsWith('/user_impersonation'));
  if (!resourceScope) {
    return { error: aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`) };
  }
  const resource = resourceScope.slice(0, resourceScope.lastIndexOf('/') + 1).replace(/\/+$/, '/');
  const audience = ARM_AUDIENCES.find((a) => a.toLowerCase() === resource.toLowerCase());
  if (!audience) {
    return { error: aadError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`) };
  }
  return { audience, resourceScope };
}

/**
 * Entra's answer to a person's successful grant (device code, authorization code, refresh token):
 * an ARM access token, an id_token for the public client, a refresh token and `client_info`,
 * which is what msal-node needs to build its account and cache entries.
 */
export function userTokenReply(deps: UserTokenDeps, grant: { user: EmulatorUser; clientId: string; scope: string; nonce?: string }): EmulatorReply {
  const resolved = audienceOf(grant.scope, deps.tenantId);
  if ('error' in resolved) return resolved.error;
  const base = deps.baseUrl();
  const { token, expiresIn } = deps.tokens.issueForUser(grant.user, grant.clientId, resolved.audience, base);
  const clientInfo = Buffer.from(JSON.stringify({ uid: grant.user.objectId, utid: deps.tenantId })).toString('base64url');
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: {
      token_type: 'Bearer',
      scope: `${resolved.audience}user_impersonation ${resolved.resourceScope}`,
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
      refresh_token: deps.refreshTokens.issue(grant.user.objectId, grant.clientId),
      id_token: deps.tokens.issueIdToken(grant.user, grant.clientId, base, grant.nonce),
      client_info: clientInfo,
    },
  };
}
