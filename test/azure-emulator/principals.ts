import { ArmError } from './arm-error.ts';
import type { Clock } from './clock.ts';
import { registerCertificate } from './jwt.ts';
import type { RegisteredCertificate } from './jwt.ts';

/** A role-assignment-like grant: `actions` (wildcards allowed, e.g. `Microsoft.DocumentDB/*`, `*\/read`) at `scope` and below. */
export interface Permission {
  scope: string;
  actions: string[];
}

export interface ClientSecret {
  value: string;
  /** Epoch ms on the emulator clock; after it the token endpoint answers AADSTS7000222. */
  expiresAt?: number;
}

/** An app registration (service principal) that can get tokens with client credentials. */
export interface Principal {
  clientId: string;
  objectId: string;
  displayName: string;
  secrets: ClientSecret[];
  certificates: RegisteredCertificate[];
  permissions: Permission[];
}

function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

function scopeCovers(scope: string, target: string): boolean {
  const s = scope.replace(/\/+$/, '').toLowerCase();
  const t = target.toLowerCase();
  return s === '' || t === s || t.startsWith(`${s}/`);
}

/** The app registrations of the emulated tenant, and what each may do in ARM. */
export class Principals {
  readonly #byClientId = new Map<string, Principal>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  add(principal: Principal): void {
    this.#byClientId.set(principal.clientId.toLowerCase(), principal);
  }

  get(clientId: string): Principal | undefined {
    return this.#byClientId.get(clientId.toLowerCase());
  }

  byObjectId(objectId: string): Principal | undefined {
    return [...this.#byClientId.values()].find((p) => p.objectId.toLowerCase() === objectId.toLowerCase());
  }

  all(): Principal[] {
    return [...this.#byClientId.values()];
  }

  #require(clientId: string): Principal {
    const p = this.get(clientId);
    if (!p) throw new Error(`No principal with client id ${clientId}`);
    return p;
  }

  /** Registers a certificate (PEM) so JWT client assertions signed with its key are accepted. */
  addCertificate(clientId: string, certificatePem: string): void {
    this.#require(clientId).certificates.push(registerCertificate(certificatePem));
  }

  addSecret(clientId: string, secret: ClientSecret): void {
    this.#require(clientId).secrets.push(secret);
  }

  /** Makes every secret of the app expired from now on (AADSTS7000222 at the token endpoint). */
  expireSecrets(clientId: string): void {
    const now = this.#clock.now();
    for (const s of this.#require(clientId).secrets) s.expiresAt = now - 1;
  }

  /** Replaces what the app may do; e.g. `[{ scope: '/', actions: ['*\/read'] }]` makes it read-only. */
  setPermissions(clientId: string, permissions: Permission[]): void {
    this.#require(clientId).permissions = permissions;
  }

  /** Throws ARM's 403 AuthorizationFailed when `principal` may not do `action` on `scope`. */
  authorize(principal: Principal, action: string, scope: string): void {
    const ok = principal.permissions.some(
      (p) => scopeCovers(p.scope, scope) && p.actions.some((a) => actionMatches(a, action)),
    );
    if (!ok) {
      throw new ArmError(
        403,
        'AuthorizationFailed',
        `The client '${principal.clientId}' with object id '${principal.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
  }

  /** True when the principal holds any permission at or below the subscription (for GET /subscriptions). */
  canSeeSubscription(principal: Principal, subscriptionId: string): boolean {
    const subScope = `/subscriptions/${subscriptionId}`.toLowerCase();
    return principal.permissions.some((p) => {
      const s = p.scope.replace(/\/+$/, '').toLowerCase();
      return s === '' || s === subScope || s.startsWith(`${subScope}/`) || subScope.startsWith(`${s}/`);
    });
  }
}
