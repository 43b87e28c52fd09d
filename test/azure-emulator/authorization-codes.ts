import { createHash, randomBytes } from 'node:crypto';
import { aadError } from './aad-error.ts';
import { notPublicClient } from './device-codes.ts';
import type { EmulatorReply } from './http-types.ts';
import { audienceOf, userTokenReply } from './user-tokens.ts';
import type { UserTokenDeps } from './user-tokens.ts';
import type { EmulatorUser, Users } from './users.ts';

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
  user: EmulatorUser;
  /** Epoch ms, real time. */
  expiresAt: number;
  redeemed: boolean;
}

/** How the emulated browser's next sign-in ends when it is not a plain consent. */
interface Refusal {
  error: string;
  description: string;
}

const CODE_LIFETIME_MS = 10 * 60_000;

/** Entra accepts any port on a loopback redirect URI of a public client (RFC 8252 §7.3). */
function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Sends the authorization response to the app's redirect URI as `response_mode` asks. */
function respond(redirectUri: string, responseMode: string, params: Record<string, string>): EmulatorReply {
  if (responseMode === 'form_post') {
    // Entra answers form_post with a page that posts itself to the redirect URI.
    const inputs = Object.entries(params).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}"/>`).join('');
    const html = `<html><head><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}<noscript><input type="submit" value="Continue"/></noscript></form></body></html>`;
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html };
  }
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { status: 302, headers: { Location: url.href } };
}

/**
 * The authorization-code grant with PKCE for public clients. `GET /authorize` stands for the whole
 * browser sign-in: the test user (`signInAs`, else the default user) consents at once and the
 * browser is sent back to the app's loopback redirect URI with `code` and `state`; `refuseNext`
 * makes the next sign-in come back with an error instead.
 */
export class AuthorizationCodes {
  readonly #codes = new Map<string, IssuedCode>();
  readonly #users: Users;
  readonly #defaultUser: () => EmulatorUser;
  #signInAs: string | undefined;
  #refusal: Refusal | undefined;

  constructor(users: Users, defaultUser: () => EmulatorUser) {
    this.#users = users;
    this.#defaultUser = defaultUser;
  }

  /** The user (principal name) the emulated browser signs in as from now on; undefined: the default user. */
  signInAs(userPrincipalName: string | undefined): void {
    this.#signInAs = userPrincipalName;
  }

  /** The next browser sign-in is refused (default: the user declines consent). */
  refuseNext(error = 'access_denied', description = 'AADSTS65004: User declined to consent to access the app.'): void {
    this.#refusal = { error, description };
  }

  /** GET /{tenant}/oauth2/v2.0/authorize */
  authorize(query: URLSearchParams, deps: UserTokenDeps): EmulatorReply {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    // Without a trustworthy redirect URI Entra shows its own error page instead of redirecting.
    if (!this.#users.isPublicClient(clientId)) return notPublicClient(clientId, deps.tenantId);
    if (!isLoopbackRedirect(redirectUri)) {
      return aadError(400, 'invalid_request', 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`);
    }
    const responseMode = query.get('response_mode') ?? 'query';
    const state = query.get('state') ?? '';
    const fail = (error: string, description: string): EmulatorReply => respond(redirectUri, responseMode, { error, error_description: description, ...(state ? { state } : {}) });
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'AADSTS700054: response_type must be code.');
    const codeChallenge = query.get('code_challenge') ?? '';
    if (!codeChallenge || query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'AADSTS501491: Proof Key for Code Exchange with code_challenge_method S256 is required.');
    const scope = query.get('scope') ?? '';
    const resolved = audienceOf(scope, deps.tenantId);
    if ('error' in resolved) return fail('invalid_scope', `AADSTS1002012: The provided value for scope ${scope} is not valid.`);
    const refusal = this.#refusal;
    this.#refusal = undefined;
    if (refusal) return fail(refusal.error, refusal.description);

    const user = this.#signInAs ? this.#users.get(this.#signInAs) : this.#defaultUser();
    if (!user) return fail('access_denied', `AADSTS50034: The user account ${this.#signInAs ?? ''} does not exist in the directory.`);
    const code = `emu-ac.${randomBytes(32).toString('base64url')}`;
    const nonce = query.get('nonce') ?? undefined;
    this.#codes.set(code, { clientId, redirectUri, codeChallenge, scope, nonce, user, expiresAt: Date.now() + CODE_LIFETIME_MS, redeemed: false });
    return respond(redirectUri, responseMode, { code, ...(state ? { state } : {}) });
  }

  /** The token endpoint's `authorization_code` grant: the code, its redirect URI and the PKCE verifier. */
  redeem(form: URLSearchParams, deps: UserTokenDeps): EmulatorReply {
    const entry = this.#codes.get(form.get('code') ?? '');
    const clientId = form.get('client_id') ?? '';
    if (!entry || entry.clientId.toLowerCase() !== clientId.toLowerCase()) {
      return aadError(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
    }
    if (entry.redeemed) return aadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
    if (entry.expiresAt <= Date.now()) return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
    if ((form.get('redirect_uri') ?? '') !== entry.redirectUri) {
      return aadError(400, 'invalid_grant', 500112, 'The reply address does not match the reply address provided when requesting Authorization code.');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== entry.codeChallenge) {
      return aadError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    entry.redeemed = true;
    return userTokenReply(deps, { user: entry.user, clientId: entry.clientId, scope: form.get('scope') ?? entry.scope, nonce: entry.nonce });
  }
}
