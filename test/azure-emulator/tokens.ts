import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ArmError } from './arm-error.ts';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.ts';
import type { Principal } from './principals.ts';
import type { EmulatorUser } from './users.ts';

/** Resources (audiences) the token endpoint issues tokens for and ARM accepts. */
export const ARM_AUDIENCES = ['https://management.azure.com/', 'https://management.core.windows.net/'];

/** Claims the ARM side needs from a verified access token. */
export interface AccessTokenClaims {
  tid: string;
  oid: string;
  appid: string;
  aud: string;
  exp: number;
}

/**
 * Issues and verifies the emulator's access tokens (RS256 JWTs). Expiry uses real time because
 * msal-node caches tokens by the wall clock. `expireIssuedTokens()` makes every token issued so
 * far count as expired, so tests can expire credentials mid-session.
 */
export class TokenService {
  readonly kid = randomUUID().replace(/-/g, '');
  readonly publicKey: KeyObject;
  readonly #privateKey: KeyObject;
  readonly #tenantId: string;
  /** Lifetime of new tokens in seconds. */
  lifetimeSeconds: number;
  #generation = 0;

  constructor(tenantId: string, lifetimeSeconds = 3600) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    this.publicKey = publicKey;
    this.#tenantId = tenantId;
    this.lifetimeSeconds = lifetimeSeconds;
  }

  issue(principal: Principal, audience: string, issuerBase: string): { token: string; expiresIn: number } {
    return this.#accessToken(audience, issuerBase, {
      appid: principal.clientId,
      appidacr: '1',
      idtyp: 'app',
      oid: principal.objectId,
      sub: principal.objectId,
    });
  }

  /**
   * An ARM access token for a person signed in through the public client `clientId` (v1 shape, as
   * ARM gets them: `upn`, `scp`, `idtyp: user`, plus `preferred_username`).
   */
  issueForUser(user: EmulatorUser, clientId: string, audience: string, issuerBase: string): { token: string; expiresIn: number } {
    return this.#accessToken(audience, issuerBase, {
      appid: clientId,
      appidacr: '0',
      idtyp: 'user',
      name: user.displayName,
      oid: user.objectId,
      sub: user.objectId,
      upn: user.userPrincipalName,
      unique_name: user.userPrincipalName,
      preferred_username: user.userPrincipalName,
      scp: 'user_impersonation',
    });
  }

  /** Signs a v1 ARM access token: the claims every token carries, plus the caller's. */
  #accessToken(audience: string, issuerBase: string, claims: Record<string, unknown>): { token: string; expiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = this.lifetimeSeconds;
    const token = signJwt(
      {
        aud: audience,
        iss: `${issuerBase}/${this.#tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + expiresIn,
        ...claims,
        tid: this.#tenantId,
        uti: randomUUID(),
        ver: '1.0',
        xms_gen: this.#generation,
      },
      this.#privateKey,
      this.kid,
    );
    return { token, expiresIn };
  }

  /** The OpenID Connect id_token msal-node builds its account from (`aud` is the client id). */
  issueIdToken(user: EmulatorUser, clientId: string, issuerBase: string, nonce?: string): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      {
        aud: clientId,
        iss: `${issuerBase}/${this.#tenantId}/v2.0`,
        iat: now,
        nbf: now,
        exp: now + this.lifetimeSeconds,
        name: user.displayName,
        oid: user.objectId,
        sub: user.objectId,
        tid: this.#tenantId,
        preferred_username: user.userPrincipalName,
        ver: '2.0',
        ...(nonce ? { nonce } : {}),
      },
      this.#privateKey,
      this.kid,
    );
  }

  /** Every token issued before this call is rejected as expired from now on. */
  expireIssuedTokens(): void {
    this.#generation += 1;
  }

  /** JWKS document for the discovery endpoint. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e }] };
  }

  /** Verifies an ARM bearer token; throws the 401 ARM would send. */
  verify(authorization: string | undefined): AccessTokenClaims {
    if (!authorization) {
      throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
        'WWW-Authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
      });
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const invalid = (why: string): ArmError =>
      new ArmError(401, 'InvalidAuthenticationToken', `The access token is invalid. ${why}`, {
        'WWW-Authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token is invalid."',
      });
    if (!match?.[1]) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is not a bearer token.");
    const jwt = decodeJwt(match[1]);
    if (!jwt) throw invalid('It is not a JWT.');
    if (jwt.header['kid'] !== this.kid || !verifyJwtSignature(jwt, this.publicKey)) throw invalid('The signature is invalid.');
    const p = jwt.payload;
    const aud = String(p['aud'] ?? '');
    if (!ARM_AUDIENCES.some((a) => a.replace(/\/$/, '') === aud.replace(/\/$/, ''))) {
      throw new ArmError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`);
    }
    const exp = Number(p['exp']);
    const nowSec = Math.floor(Date.now() / 1000);
    if (!(exp > nowSec) || Number(p['xms_gen']) !== this.#generation) {
      const expIso = new Date(exp * 1000).toISOString();
      throw new ArmError(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${expIso}' is earlier than current UTC time '${new Date().toISOString()}'.`, {
        'WWW-Authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token has expired."',
      });
    }
    return { tid: String(p['tid']), oid: String(p['oid']), appid: String(p['appid']), aud, exp };
  }
}
