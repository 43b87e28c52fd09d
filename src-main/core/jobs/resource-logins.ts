import { z } from 'zod';
import type { SecretStore } from '../secrets/secret-store.ts';

/** A database login for one resource, as Veeam's "database accounts": used by scheduled backups. */
export interface ResourceLogin {
  user: string;
  password: string;
}

const loginSchema = z.object({ user: z.string().min(1), password: z.string() });
const refOf = (resourceId: string) => `resource-login:${resourceId.toLowerCase()}`;

/**
 * Database logins per Azure resource, sealed in the secret store (never in the policy file or the
 * config DB). A stored value that does not parse counts as missing, so a damaged entry is asked for
 * again instead of breaking a run.
 */
export class ResourceLogins {
  private readonly secrets: SecretStore;

  constructor(secrets: SecretStore) {
    this.secrets = secrets;
  }

  async get(resourceId: string): Promise<ResourceLogin | undefined> {
    const stored = await this.secrets.get(refOf(resourceId));
    if (stored === undefined) return undefined;
    try {
      const parsed = loginSchema.safeParse(JSON.parse(stored));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async set(resourceId: string, login: ResourceLogin): Promise<void> {
    await this.secrets.set(refOf(resourceId), JSON.stringify(loginSchema.parse(login)));
  }

  async remove(resourceId: string): Promise<void> {
    await this.secrets.delete(refOf(resourceId));
  }
}
