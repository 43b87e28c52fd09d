import { randomBytes } from 'node:crypto';

interface RefreshGrant {
  userObjectId: string;
  clientId: string;
  /** Epoch ms, real time (msal-node keeps its cache by the wall clock). */
  expiresAt: number;
}

/** Why a refresh token was refused; the token endpoint turns it into Entra's invalid_grant. */
export type RefreshRefusal = 'unknown' | 'expired' | 'revoked' | 'wrong-client';

/**
 * Refresh tokens the emulator handed to people's sign-ins: opaque strings, each bound to a user and
 * a public client. Redeeming one keeps it valid (as Entra does within its lifetime), so two
 * processes sharing a token cache can both refresh.
 */
export class RefreshTokens {
  readonly #grants = new Map<string, RefreshGrant>();
  readonly #revoked = new Set<string>();
  /** Lifetime of new refresh tokens in seconds (Entra: 90 days). */
  lifetimeSeconds = 90 * 24 * 3600;

  issue(userObjectId: string, clientId: string): string {
    const token = `emu-rt.${randomBytes(32).toString('base64url')}`;
    this.#grants.set(token, { userObjectId, clientId: clientId.toLowerCase(), expiresAt: Date.now() + this.lifetimeSeconds * 1000 });
    return token;
  }

  /** The user a refresh token stands for, or why it cannot be used. */
  redeem(token: string, clientId: string): { userObjectId: string } | { refused: RefreshRefusal } {
    if (this.#revoked.has(token)) return { refused: 'revoked' };
    const grant = this.#grants.get(token);
    if (!grant) return { refused: 'unknown' };
    if (grant.clientId !== clientId.toLowerCase()) return { refused: 'wrong-client' };
    if (grant.expiresAt <= Date.now()) return { refused: 'expired' };
    return { userObjectId: grant.userObjectId };
  }

  /** Revokes every refresh token issued so far (an administrator's "revoke sessions"). */
  revokeAll(): void {
    for (const token of this.#grants.keys()) this.#revoked.add(token);
    this.#grants.clear();
  }

  /** How many refresh tokens are live (tests check a sign-in got one). */
  get size(): number {
    return this.#grants.size;
  }
}
