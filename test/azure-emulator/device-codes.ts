import { randomBytes, randomInt } from 'node:crypto';
import { aadError } from './aad-error.ts';
import type { EmulatorReply } from './http-types.ts';
import { audienceOf, userTokenReply } from './user-tokens.ts';
import type { UserTokenDeps } from './user-tokens.ts';
import type { EmulatorUser, Users } from './users.ts';

type DeviceCodeState = 'pending' | 'approved' | 'denied' | 'redeemed';

interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  /** Epoch ms, real time: msal-node counts the code's lifetime by the wall clock too. */
  expiresAt: number;
  state: DeviceCodeState;
  user?: EmulatorUser;
}

/** A device code waiting for its user, as tests see it (never the device code itself). */
export interface PendingDeviceCode {
  userCode: string;
  clientId: string;
  scope: string;
}

const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ23456789';

/**
 * The device-code grant (RFC 8628) of the Entra ID stand-in. The app posts to `/devicecode`,
 * shows the message, and polls the token endpoint; a test plays the person at the browser with
 * `approve(userCode, { user })`, `deny(userCode)` or `expire(userCode)`.
 */
export class DeviceCodes {
  readonly #byDeviceCode = new Map<string, DeviceCodeEntry>();
  readonly #users: Users;
  readonly #defaultUser: () => EmulatorUser;
  /** Lifetime of new codes in seconds (Entra: 900). */
  lifetimeSeconds = 900;
  /** Polling interval the app is told, in seconds (Entra: 5; tests use less). */
  intervalSeconds = 5;

  constructor(users: Users, defaultUser: () => EmulatorUser) {
    this.#users = users;
    this.#defaultUser = defaultUser;
  }

  /** Codes nobody approved or denied yet, oldest first. */
  pending(): PendingDeviceCode[] {
    return [...this.#byDeviceCode.values()].filter((e) => e.state === 'pending' && e.expiresAt > Date.now()).map(({ userCode, clientId, scope }) => ({ userCode, clientId, scope }));
  }

  /** The person enters `userCode` and signs in as `user` (a user principal name; the default user otherwise). */
  approve(userCode: string, options: { user?: string } = {}): void {
    const entry = this.#pendingEntry(userCode);
    const user = options.user ? this.#users.get(options.user) : this.#defaultUser();
    if (!user) throw new Error(`No emulated user ${options.user ?? ''}`);
    entry.state = 'approved';
    entry.user = user;
  }

  /** The person declines the sign-in: the app's next poll gets `access_denied`. */
  deny(userCode: string): void {
    this.#pendingEntry(userCode).state = 'denied';
  }

  /** Ends the code's lifetime now: the next poll gets `expired_token`. */
  expire(userCode: string): void {
    this.#pendingEntry(userCode).expiresAt = Date.now() - 1;
  }

  #pendingEntry(userCode: string): DeviceCodeEntry {
    const wanted = userCode.trim().toUpperCase();
    const entry = [...this.#byDeviceCode.values()].find((e) => e.userCode === wanted);
    if (!entry) throw new Error(`No device code with user code ${userCode}`);
    if (entry.state !== 'pending') throw new Error(`Device code ${userCode} is already ${entry.state}`);
    return entry;
  }

  /** POST /{tenant}/oauth2/v2.0/devicecode */
  start(form: URLSearchParams, deps: UserTokenDeps, users: Users): EmulatorReply {
    const clientId = form.get('client_id') ?? '';
    if (!users.isPublicClient(clientId)) return notPublicClient(clientId, deps.tenantId);
    const scope = form.get('scope') ?? '';
    const resolved = audienceOf(scope, deps.tenantId);
    if ('error' in resolved) return resolved.error;
    const userCode = Array.from({ length: 9 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
    const deviceCode = `emu-dc.${randomBytes(24).toString('base64url')}`;
    this.#byDeviceCode.set(deviceCode, { deviceCode, userCode, clientId, scope, expiresAt: Date.now() + this.lifetimeSeconds * 1000, state: 'pending' });
    const verificationUri = `${deps.baseUrl()}/devicelogin`;
    return {
      status: 200,
      body: {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: this.lifetimeSeconds,
        interval: this.intervalSeconds,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      },
    };
  }

  /** The token endpoint's `urn:ietf:params:oauth:grant-type:device_code` grant. */
  redeem(form: URLSearchParams, deps: UserTokenDeps): EmulatorReply {
    const entry = this.#byDeviceCode.get(form.get('device_code') ?? '');
    const clientId = form.get('client_id') ?? '';
    if (!entry || entry.clientId.toLowerCase() !== clientId.toLowerCase()) {
      return aadError(400, 'invalid_grant', 70000, 'The provided value for the input parameter \'device_code\' is not valid.');
    }
    if (entry.state === 'redeemed') return aadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
    if (entry.state === 'denied') return aadError(400, 'access_denied', 70000, 'The user declined the sign-in request.');
    if (entry.expiresAt <= Date.now()) return aadError(400, 'expired_token', 70020, 'The provided authorization code or refresh token has expired due to it being expired. Send a new interactive authorization request for this user and resource.');
    if (entry.state === 'pending' || !entry.user) return aadError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    entry.state = 'redeemed';
    return userTokenReply(deps, { user: entry.user, clientId: entry.clientId, scope: form.get('scope') ?? entry.scope });
  }
}

/** Entra's answer when a client that is not a public client starts a person's flow. */
export function notPublicClient(clientId: string, tenantId: string): EmulatorReply {
  return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenantId}' as a public client. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
}
