import { readFileSync } from 'node:fs';
import { AppError } from '../shared/errors.ts';

export const CLOUD_KINDS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'Custom'] as const;
export type CloudKind = (typeof CLOUD_KINDS)[number];

/** Everything needed to talk to one Azure cloud: public, sovereign, or a custom one such as an emulator. */
export interface CloudProfile {
  name: string;
  kind: CloudKind;
  /** Azure Resource Manager, e.g. https://management.azure.com */
  armEndpoint: string;
  /** The token audience for ARM (scopes are `${armAudience}/.default`). */
  armAudience: string;
  /** Entra ID authority host, e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** Blob endpoints are https://ACCOUNT.blob.<storageSuffix> */
  storageSuffix: string;
  /** PEM file of an extra CA to trust (custom clouds, TLS-inspecting proxies). */
  caCertFile?: string;
}

export const BUILTIN_CLOUDS: Record<Exclude<CloudKind, 'Custom'>, CloudProfile> = {
  AzureCloud: {
    name: 'AzureCloud',
    kind: 'AzureCloud',
    armEndpoint: 'https://management.azure.com',
    armAudience: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    storageSuffix: 'core.windows.net',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    kind: 'AzureUSGovernment',
    armEndpoint: 'https://management.usgovcloudapi.net',
    armAudience: 'https://management.core.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    storageSuffix: 'core.usgovcloudapi.net',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    kind: 'AzureChinaCloud',
    armEndpoint: 'https://management.chinacloudapi.cn',
    armAudience: 'https://management.core.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    storageSuffix: 'core.chinacloudapi.cn',
  },
};

function httpsUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('validation_failed', `${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:') throw new AppError('validation_failed', `${what} must use https: ${value}`);
  return url.origin;
}

/** A custom cloud, checked: https endpoints and a readable CA file. */
export function customCloud(input: { name?: string; armEndpoint: string; authorityHost: string; storageSuffix?: string; caCertFile?: string; armAudience?: string }): CloudProfile {
  const armEndpoint = httpsUrl(input.armEndpoint, 'The ARM endpoint');
  if (input.caCertFile) {
    try {
      readFileSync(input.caCertFile, 'utf8');
    } catch (error) {
      throw new AppError('validation_failed', `Cannot read the CA certificate file ${input.caCertFile}: ${(error as NodeJS.ErrnoException).code}.`);
    }
  }
  return {
    name: input.name ?? 'Custom',
    kind: 'Custom',
    armEndpoint,
    armAudience: input.armAudience ?? armEndpoint,
    authorityHost: httpsUrl(input.authorityHost, 'The authority host'),
    storageSuffix: input.storageSuffix ?? 'core.windows.net',
    caCertFile: input.caCertFile,
  };
}

/**
 * The cloud for headless runs, following the Azure SDK's conventions: a custom cloud when
 * COSMOS_BACKUP_ARM_ENDPOINT is set (with COSMOS_BACKUP_AUTHORITY_HOST and optional
 * COSMOS_BACKUP_CA_FILE and COSMOS_BACKUP_ARM_AUDIENCE), else the named built-in cloud (default AzureCloud).
 */
export function cloudProfileFromEnvironment(env: NodeJS.ProcessEnv, name?: string): CloudProfile {
  if (env.COSMOS_BACKUP_ARM_ENDPOINT) {
    if (!env.COSMOS_BACKUP_AUTHORITY_HOST) throw new AppError('validation_failed', 'COSMOS_BACKUP_ARM_ENDPOINT is set but COSMOS_BACKUP_AUTHORITY_HOST is not.');
    return customCloud({
      armEndpoint: env.COSMOS_BACKUP_ARM_ENDPOINT,
      authorityHost: env.COSMOS_BACKUP_AUTHORITY_HOST,
      caCertFile: env.COSMOS_BACKUP_CA_FILE,
      storageSuffix: env.COSMOS_BACKUP_STORAGE_SUFFIX,
      // Custom clouds whose token audience differs from their ARM host (Azure Stack, emulators).
      armAudience: env.COSMOS_BACKUP_ARM_AUDIENCE,
    });
  }
  const kind = (name ?? 'AzureCloud') as CloudKind;
  if (kind === 'Custom' || !(kind in BUILTIN_CLOUDS)) {
    throw new AppError('validation_failed', `Unknown cloud profile "${name}". Use ${CLOUD_KINDS.filter((k) => k !== 'Custom').join(', ')}, or set COSMOS_BACKUP_ARM_ENDPOINT for a custom cloud.`);
  }
  return BUILTIN_CLOUDS[kind as Exclude<CloudKind, 'Custom'>];
}
