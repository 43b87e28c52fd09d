import { aadError, tenantNotFound } from './aad-error.ts';
import type { AuthorizationCodes } from './authorization-codes.ts';
import type { Clock } from './clock.ts';
import type { DeviceCodes } from './device-codes.ts';
import type { EmulatorReply, EmulatorRequest } from './http-types.ts';
import { decodeJwt, verifyJwtSignature } from './jwt.ts';
import type { RegisteredCertificate } from './jwt.ts';
import type { Principals } from './principals.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { audienceOf, userTokenReply } from './user-tokens.ts';
import type { TokenService } from './tokens.ts';
import type { Users } from './users.ts';

/** What the Entra ID stand-in needs from the rest of the emulator. */
export interface TokenEndpointDeps {
  tenantId: string;
  principals: Principals;
  tokens: TokenService;
  clock: Clock;
  /** https://127.0.0.1:PORT, known once the server listens. */
  baseUrl: () => string;
  /** People and the public clients they sign in through (device code, browser, refresh token). */
  users: Users;
  deviceCodes: DeviceCodes;
  authorizationCodes: AuthorizationCodes;
  refreshTokens: RefreshTokens;
}

/** RFC 8628's grant type, and the short form msal-node sends (Entra accepts both). */
const DEVICE_CODE_GRANTS = new Set(['urn:ietf:params:oauth:grant-type:device_code', 'device_code']);

const TENANT_ALIASES = new Set(['common', 'organizations']);

/**
 * Serves the OpenID discovery documents, instance discovery, JWKS, the v2.0 token endpoint (client
 * credentials, device code, authorization code with PKCE, refresh token), `/devicecode` and `/authorize`.
 * Returns undefined when the request is not for the identity side.
 */
export function handleIdentityRequest(req: EmulatorRequest, deps: TokenEndpointDeps): EmulatorReply | undefined {
  const segments = req.url.pathname.split('/').filter(Boolean);
  const [tenant, ...rest] = segments;
  if (!tenant || tenant.toLowerCase() === 'subscriptions' || tenant.toLowerCase() === 'providers') return undefined;
  const path = rest.join('/').toLowerCase();
  const known = tenant.toLowerCase() === deps.tenantId.toLowerCase();
  const base = deps.baseUrl();

  if (req.method === 'GET' && path === 'discovery/instance') {
    // msal asks here unless the authority is in knownAuthorities; answer for our own host.
    const host = new URL(base).host;
    const authorizeUrl = req.url.searchParams.get('authorization_endpoint') ?? '';
    const authorityTenant = /\/\/[^/]+\/([^/]+)\//.exec(authorizeUrl)?.[1] ?? deps.tenantId;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${base}/${authorityTenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }

  if (req.method === 'GET' && (path === 'v2.0/.well-known/openid-configuration' || path === '.well-known/openid-configuration')) {
    if (!known && !TENANT_ALIASES.has(tenant.toLowerCase())) return tenantNotFound(tenant);
    const t = known ? deps.tenantId : '{tenantid}';
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/${t}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    };
  }

  if (req.method === 'GET' && path === 'discovery/v2.0/keys') return { status: 200, body: deps.tokens.jwks() };

  if (req.method === 'POST' && path === 'oauth2/v2.0/token') {
    if (!known) return tenantNotFound(tenant);
    return issueToken(new URLSearchParams(req.bodyText), `${base}/${tenant}`, deps);
  }
  if (req.method === 'POST' && path === 'oauth2/v2.0/devicecode') {
    if (!known) return tenantNotFound(tenant);
    return deps.deviceCodes.start(new URLSearchParams(req.bodyText), deps, deps.users);
  }
  if (req.method === 'GET' && path === 'oauth2/v2.0/authorize') {
    if (!known) return tenantNotFound(tenant);
    return deps.authorizationCodes.authorize(req.url.searchParams, deps);
  }
  return undefined;
}

function issueToken(form: URLSearchParams, tenantUrl: string, deps: TokenEndpointDeps): EmulatorReply {
  const grantType = form.get('grant_type');
  if (grantType !== null && DEVICE_CODE_GRANTS.has(grantType)) return deps.deviceCodes.redeem(form, deps);
  if (grantType === 'authorization_code') return deps.authorizationCodes.redeem(form, deps);
  if (grantType === 'refresh_token') return redeemRefreshToken(form, deps);
  if (grantType !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
  }
  const clientId = form.get('client_id') ?? '';
  const principal = deps.principals.get(clientId);
  if (!principal) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${deps.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }

  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    const matching = principal.secrets.find((s) => s.value === secret);
    if (!matching) {
      return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    if (matching.expiresAt !== undefined && matching.expiresAt <= deps.clock.now()) {
      return aadError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
    }
  } else if (assertion !== null) {
    const failure = checkAssertion(assertion, form.get('client_assertion_type'), principal.clientId, tenantUrl, principal.certificates);
    if (failure) return failure;
  } else {
    return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }

  const scope = form.get('scope') ?? '';
  if (!scope.split(' ').some((s) => s.endsWith('/.default'))) {
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const resolved = audienceOf(scope, deps.tenantId);
  if ('error' in resolved) return resolved.error;
  const { token, expiresIn } = deps.tokens.issue(principal, resolved.audience, deps.baseUrl());
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token },
  };
}

/** The `refresh_token` grant: msal-node's silent renewal of a person's sign-in. */
function redeemRefreshToken(form: URLSearchParams, deps: TokenEndpointDeps): EmulatorReply {
  const clientId = form.get('client_id') ?? '';
  const outcome = deps.refreshTokens.redeem(form.get('refresh_token') ?? '', clientId);
  if ('refused' in outcome) {
    const [code, why] =
      outcome.refused === 'revoked'
        ? [50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.']
        : outcome.refused === 'expired'
          ? [700082, 'The refresh token has expired due to inactivity.']
          : [9002313, 'Invalid request. Request is malformed or invalid. The refresh token is not valid for this client.'];
    return aadError(400, 'invalid_grant', code, why);
  }
  const user = deps.users.byObjectId(outcome.userObjectId);
  if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
  return userTokenReply(deps, { user, clientId, scope: form.get('scope') ?? '' });
}

function checkAssertion(
  assertion: string,
  assertionType: string | null,
  clientId: string,
  tenantUrl: string,
  certificates: RegisteredCertificate[],
): EmulatorReply | undefined {
  if (assertionType !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return aadError(400, 'invalid_request', 700025, `Client assertion type '${assertionType ?? ''}' is not supported.`);
  }
  const jwt = decodeJwt(assertion);
  if (!jwt) return aadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
  const x5tS256 = jwt.header['x5t#S256'];
  const x5t = jwt.header['x5t'];
  const cert = certificates.find((c) => c.x5tS256 === x5tS256 || c.x5t === x5t);
  if (!cert) {
    return aadError(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(x5tS256 ?? x5t)}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`);
  }
  if (!verifyJwtSignature(jwt, cert.publicKey)) {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
  }
  const p = jwt.payload;
  const nowSec = Date.now() / 1000;
  if (!(Number(p['exp']) > nowSec) || Number(p['nbf'] ?? 0) > nowSec + 300) {
    return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  }
  if (p['iss'] !== clientId || p['sub'] !== clientId) {
    return aadError(401, 'invalid_client', 700023, "Client assertion 'iss' and 'sub' claims must be the application's client id.");
  }
  if (typeof p['aud'] !== 'string' || !p['aud'].toLowerCase().startsWith(tenantUrl.toLowerCase())) {
    return aadError(401, 'invalid_client', 700021, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds .`);
  }
  return undefined;
}
