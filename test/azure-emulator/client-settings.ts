import type { AzureEmulator } from './emulator.ts';
import { ARM_AUDIENCES } from './tokens.ts';

/** Every setting a client of the emulator needs, as JSON and as the environment `cosmos-backup` reads. */
export function emulatorClientSettings(emulator: Pick<AzureEmulator, 'armEndpoint' | 'authorityHost' | 'caCertFile' | 'tenantId' | 'clientId' | 'clientSecret'>): {
  json: Record<string, string>;
  shellLines: string[];
} {
  // ARM accepts tokens for Azure's public audience only, as real ARM does; a custom cloud's
  // default audience (its endpoint) would be refused with invalid_resource 500011.
  const armAudience = ARM_AUDIENCES[0]!.replace(/\/$/, '');
  const { armEndpoint, authorityHost, caCertFile, tenantId, clientId, clientSecret } = emulator;
  const env: Record<string, string> = {
    COSMOS_BACKUP_ARM_ENDPOINT: armEndpoint,
    COSMOS_BACKUP_AUTHORITY_HOST: authorityHost,
    COSMOS_BACKUP_CA_FILE: caCertFile,
    COSMOS_BACKUP_ARM_AUDIENCE: armAudience,
    AZURE_TENANT_ID: tenantId,
    AZURE_CLIENT_ID: clientId,
    AZURE_CLIENT_SECRET: clientSecret,
  };
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  return {
    json: { armEndpoint, authorityHost, armAudience, caCertFile, tenantId, clientId, clientSecret },
    shellLines: Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}`),
  };
}
