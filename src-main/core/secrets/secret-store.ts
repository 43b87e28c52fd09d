/**
 * Where secrets live (repository passwords, client secrets, the MSAL token cache). The config DB
 * only ever holds a `ref`; the value is encrypted at rest and never logged.
 */
export interface SecretStore {
  /** A short description for diagnostics, e.g. "encrypted file (key file)". Never the key. */
  readonly description: string;
  get(ref: string): Promise<string | undefined>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
}

/** Supplies the 32-byte data key that encrypts the secrets file. */
export interface DataKeyProvider {
  readonly description: string;
  /** Returns the key, creating and protecting it on first use. */
  loadOrCreateKey(): Promise<Buffer>;
}

/** The test stand-in: secrets in memory only. */
export class MemorySecretStore implements SecretStore {
  readonly description = 'memory';
  private readonly values = new Map<string, string>();
  async get(ref: string) {
    return this.values.get(ref);
  }
  async set(ref: string, value: string) {
    this.values.set(ref, value);
  }
  async delete(ref: string) {
    this.values.delete(ref);
  }
}
