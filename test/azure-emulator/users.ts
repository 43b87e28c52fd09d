import { randomUUID } from 'node:crypto';
import type { Permission, Principal } from './principals.ts';

/** Microsoft's Azure CLI public client, which every tenant accepts (and the app uses by default). */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** A person of the emulated tenant who signs in with the device-code or browser flow. */
export interface EmulatorUser {
  objectId: string;
  /** Sign-in name, e.g. `alice@contoso.test` (the `preferred_username` claim). */
  userPrincipalName: string;
  displayName: string;
  /** What the user may do in ARM (role assignments), as for app principals. */
  permissions: Permission[];
}

/** Users and the public clients (app registrations without secrets) they may sign in through. */
export class Users {
  readonly #byUpn = new Map<string, EmulatorUser>();
  readonly #publicClients = new Set<string>([AZURE_CLI_CLIENT_ID]);

  /** Adds (or replaces) a user; permissions default to everything. */
  add(input: { userPrincipalName: string; displayName?: string; objectId?: string; permissions?: Permission[] }): EmulatorUser {
    const user: EmulatorUser = {
      objectId: input.objectId ?? randomUUID(),
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName ?? input.userPrincipalName.split('@')[0] ?? input.userPrincipalName,
      permissions: input.permissions ?? [{ scope: '/', actions: ['*'] }],
    };
    this.#byUpn.set(user.userPrincipalName.toLowerCase(), user);
    return user;
  }

  get(userPrincipalName: string): EmulatorUser | undefined {
    return this.#byUpn.get(userPrincipalName.toLowerCase());
  }

  byObjectId(objectId: string): EmulatorUser | undefined {
    return [...this.#byUpn.values()].find((u) => u.objectId.toLowerCase() === objectId.toLowerCase());
  }

  all(): EmulatorUser[] {
    return [...this.#byUpn.values()];
  }

  /** Lets `clientId` sign people in (the Azure CLI client is always allowed). */
  addPublicClient(clientId: string): void {
    this.#publicClients.add(clientId.toLowerCase());
  }

  isPublicClient(clientId: string): boolean {
    return this.#publicClients.has(clientId.toLowerCase());
  }
}

/**
 * The user as the ARM side sees a caller: ARM names a user by sign-in name where it names an app
 * by client id ("The client 'alice@contoso.test' with object id … does not have authorization…").
 */
export function userAsPrincipal(user: EmulatorUser): Principal {
  return { clientId: user.userPrincipalName, objectId: user.objectId, displayName: user.displayName, secrets: [], certificates: [], permissions: user.permissions };
}
