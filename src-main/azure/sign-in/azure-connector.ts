import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import type { Clock } from '../../core/clock.ts';
import type { ConfigDb } from '../../core/config-db/open-database.ts';
import type { SecretStore } from '../../core/secrets/secret-store.ts';
import { AppError } from '../../shared/errors.ts';
import type { ArmClients, ArmClientsOptions } from '../arm-clients.ts';
import { BUILTIN_CLOUDS, cloudProfileFromEnvironment, type CloudProfile } from '../cloud-profiles.ts';
import type { ServicePrincipal } from '../service-principal-credential.ts';
import { loadAzureSdk } from './azure-sdk.ts';
import { CloudProfilesStore } from './cloud-profiles-store.ts';
import { SignInsStore, type SignInKind, type SignInRecord } from './sign-ins-store.ts';

/** A signed-in connection to one cloud and tenant: the ARM clients every Azure session uses. */
export interface AzureConnection {
  profile: CloudProfile;
  tenantId: string;
  clientId: string;
  /** `environment`: AZURE_* variables; `stored`: a sign-in from `azure login`. */
  source: 'environment' | 'stored';
  signInId: string | null;
  arm: ArmClients;
}

export interface ConnectOptions {
  /** Name of a stored cloud profile or a built-in cloud. */
  cloudProfile?: string;
  tenantId?: string;
}

/** Where sessions get their ARM clients from (the tests give an emulator's). */
export interface ArmConnector {
  connect(options?: ConnectOptions): Promise<AzureConnection>;
  /** Every signed-in cloud and tenant, as options for `connect` (default: just the default connection). */
  targets?(): ConnectOptions[];
}

/** What `azure login` stores for a service principal. The secret never reaches the DB. */
export interface ServicePrincipalLogin {
  profile: CloudProfile;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificatePem?: string;
}

/**
 * Sign-ins and connections. Headless runs follow the Azure SDK's conventions (AZURE_TENANT_ID,
 * AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH; a custom cloud from
 * COSMOS_BACKUP_ARM_ENDPOINT…); otherwise a sign-in stored by `azure login` is used. Several tenants
 * may be signed in per cloud profile. Secrets and token caches live in the secret store only.
 */
export class AzureConnector implements ArmConnector {
  readonly profiles: CloudProfilesStore;
  readonly signIns: SignInsStore;
  private readonly secrets: SecretStore;
  private readonly clock: Clock;
  private readonly env: NodeJS.ProcessEnv;
  private readonly armOptions: ArmClientsOptions;
  private readonly connections = new Map<string, AzureConnection>();

  constructor(deps: { db: ConfigDb; secrets: SecretStore; clock: Clock; env?: NodeJS.ProcessEnv; armOptions?: ArmClientsOptions }) {
    this.profiles = new CloudProfilesStore(deps.db);
    this.signIns = new SignInsStore(deps.db);
    this.secrets = deps.secrets;
    this.clock = deps.clock;
    this.env = deps.env ?? process.env;
    this.armOptions = deps.armOptions ?? {};
  }

  /** A stored profile by name, else a built-in cloud, else the custom cloud of the environment. */
  resolveProfile(name?: string): CloudProfile {
    if (name) {
      const stored = this.profiles.get(name);
      if (stored) return stored;
      if (name in BUILTIN_CLOUDS) return BUILTIN_CLOUDS[name as keyof typeof BUILTIN_CLOUDS];
      if (this.env.COSMOS_BACKUP_ARM_ENDPOINT) return { ...cloudProfileFromEnvironment(this.env), name };
      throw new AppError('not_found', `No cloud profile named "${name}". Sign in with "cosmos-backup azure login --cloud-profile ${name} --arm-endpoint … --authority-host …", or use AzureCloud, AzureUSGovernment or AzureChinaCloud.`);
    }
    return cloudProfileFromEnvironment(this.env);
  }

  /** Every signed-in (cloud profile, tenant): the AZURE_* principal, then each stored sign-in. Scheduled work covers them all. */
  targets(): ConnectOptions[] {
    const found = new Map<string, ConnectOptions>();
    if (this.environmentPrincipal()) found.set('environment', {});
    for (const signIn of this.signIns.list()) {
      const profile = this.profiles.getById(signIn.cloudProfileId);
      if (profile) found.set(`${profile.name}|${signIn.tenantId.toLowerCase()}`, { cloudProfile: profile.name, tenantId: signIn.tenantId });
    }
    return [...found.values()];
  }

  async connect(options: ConnectOptions = {}): Promise<AzureConnection> {
    const stored = options.cloudProfile ? this.profiles.get(options.cloudProfile) : undefined;
    const storedSignIns = (stored ? this.signIns.list(stored.id) : options.cloudProfile ? [] : this.signIns.list()).filter(
      (s) => !options.tenantId || s.tenantId.toLowerCase() === options.tenantId.toLowerCase(),
    );
    const envPrincipal = this.environmentPrincipal();
    if (envPrincipal && (!storedSignIns.length || !options.cloudProfile)) {
      if (options.tenantId && options.tenantId.toLowerCase() !== envPrincipal.tenantId.toLowerCase()) {
        throw new AppError('validation_failed', `AZURE_TENANT_ID is ${envPrincipal.tenantId}, not the requested tenant ${options.tenantId}.`);
      }
      const profile = stored ?? this.resolveProfile(options.cloudProfile);
      const { ArmClients, createServicePrincipalCredential } = await loadAzureSdk();
      return this.cached(`env|${profile.name}|${envPrincipal.tenantId}|${envPrincipal.clientId}`, () => ({
        profile,
        tenantId: envPrincipal.tenantId,
        clientId: envPrincipal.clientId,
        source: 'environment',
        signInId: null,
        arm: new ArmClients(profile, createServicePrincipalCredential(profile, envPrincipal), this.armOptions),
      }));
    }
    const signIn = storedSignIns[0];
    if (!signIn) {
      throw new AppError(
        'unauthorized',
        `Not signed in to Azure${options.cloudProfile ? ` (cloud profile ${options.cloudProfile}${options.tenantId ? `, tenant ${options.tenantId}` : ''})` : ''}. Run "cosmos-backup azure login", or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH).`,
      );
    }
    if (storedSignIns.length > 1 && !options.tenantId) {
      const tenants = [...new Set(storedSignIns.map((s) => s.tenantId))];
      if (tenants.length > 1) throw new AppError('validation_failed', `Several tenants are signed in (${tenants.join(', ')}): choose one with --tenant.`);
    }
    const profile = this.profiles.getById(signIn.cloudProfileId);
    if (!profile) throw new AppError('not_found', `The cloud profile of sign-in ${signIn.id} is gone; sign in again.`);
    this.signIns.touch(signIn.id, this.clock.now().toISOString());
    const credential = await this.credentialFor(profile, signIn);
    const { ArmClients } = await loadAzureSdk();
    return this.cached(`stored|${signIn.id}`, () => ({ profile, tenantId: signIn.tenantId, clientId: signIn.clientId, source: 'stored', signInId: signIn.id, arm: new ArmClients(profile, credential, this.armOptions) }));
  }

  /**
   * Stores a service principal sign-in after checking it works (a token is fetched, so a wrong
   * tenant, an expired or mistyped secret is reported now, not at 3 a.m.).
   */
  async loginServicePrincipal(login: ServicePrincipalLogin): Promise<SignInRecord> {
    const principal: ServicePrincipal = { tenantId: login.tenantId, clientId: login.clientId, clientSecret: login.clientSecret, certificatePem: login.certificatePem };
    const { createServicePrincipalCredential } = await loadAzureSdk();
    await createServicePrincipalCredential(login.profile, principal).getToken(`${login.profile.armAudience}/.default`);
    const kind: SignInKind = login.clientSecret ? 'service-principal-secret' : 'service-principal-certificate';
    return this.store(login.profile, login.tenantId, login.clientId, kind, null, login.clientSecret ?? login.certificatePem ?? '');
  }

  /** A person's sign-in with the device-code flow; `show` displays the code and where to enter it. */
  async loginDeviceCode(profile: CloudProfile, tenantId: string, show: (message: string) => void, requestedClientId?: string, signal?: AbortSignal): Promise<SignInRecord> {
    const { signInWithDeviceCode, DEFAULT_PUBLIC_CLIENT_ID } = await loadAzureSdk();
    const clientId = requestedClientId ?? DEFAULT_PUBLIC_CLIENT_ID;
    const cacheRef = `azure-token-cache:${randomUUID()}`;
    const username = await signInWithDeviceCode(profile, { tenantId, clientId, cacheRef }, this.secrets, show, signal);
    return this.storeRecord(profile, tenantId, clientId, 'device-code', username, cacheRef);
  }

  /** A person's sign-in through the system browser (loopback redirect). */
  async loginInteractive(profile: CloudProfile, tenantId: string, requestedClientId?: string, openBrowser?: (url: string) => Promise<void>): Promise<SignInRecord> {
    const { signInInteractively, DEFAULT_PUBLIC_CLIENT_ID } = await loadAzureSdk();
    const clientId = requestedClientId ?? DEFAULT_PUBLIC_CLIENT_ID;
    const cacheRef = `azure-token-cache:${randomUUID()}`;
    const username = await signInInteractively(profile, { tenantId, clientId, cacheRef }, this.secrets, openBrowser);
    return this.storeRecord(profile, tenantId, clientId, 'interactive', username, cacheRef);
  }

  /** Removes the sign-ins of a profile (one tenant, or all) with their secrets and token caches. */
  async logout(cloudProfile: string, tenantId?: string): Promise<SignInRecord[]> {
    const profile = this.profiles.get(cloudProfile);
    if (!profile) throw new AppError('not_found', `No cloud profile named "${cloudProfile}" is signed in.`);
    const removed = this.signIns.list(profile.id).filter((s) => !tenantId || s.tenantId.toLowerCase() === tenantId.toLowerCase());
    for (const s of removed) {
      if (s.secretRef) await this.secrets.delete(s.secretRef);
      this.signIns.delete(s.id);
      this.connections.delete(`stored|${s.id}`);
    }
    return removed;
  }

  private async store(profile: CloudProfile, tenantId: string, clientId: string, kind: SignInKind, accountName: string | null, secret: string): Promise<SignInRecord> {
    const secretRef = `azure-sign-in:${randomUUID()}`;
    await this.secrets.set(secretRef, secret);
    return this.storeRecord(profile, tenantId, clientId, kind, accountName, secretRef);
  }

  private async storeRecord(profile: CloudProfile, tenantId: string, clientId: string, kind: SignInKind, accountName: string | null, secretRef: string): Promise<SignInRecord> {
    const now = this.clock.now().toISOString();
    const saved = this.profiles.save(profile, now);
    const { record, replaced } = this.signIns.add({ cloudProfileId: saved.id, tenantId, clientId, kind, accountName, secretRef, createdAt: now });
    if (replaced?.secretRef) await this.secrets.delete(replaced.secretRef);
    if (replaced) this.connections.delete(`stored|${replaced.id}`);
    return record;
  }

  private async credentialFor(profile: CloudProfile, signIn: SignInRecord): Promise<TokenCredential> {
    const { createPublicClientCredential, createServicePrincipalCredential } = await loadAzureSdk();
    if (signIn.kind === 'interactive' || signIn.kind === 'device-code') {
      return createPublicClientCredential(profile, { tenantId: signIn.tenantId, clientId: signIn.clientId, cacheRef: signIn.secretRef ?? '' }, this.secrets);
    }
    const secret = signIn.secretRef ? await this.secrets.get(signIn.secretRef) : undefined;
    if (!secret) throw new AppError('unauthorized', `The stored secret of sign-in ${signIn.clientId}@${signIn.tenantId} is missing; sign in again.`);
    return createServicePrincipalCredential(profile, {
      tenantId: signIn.tenantId,
      clientId: signIn.clientId,
      ...(signIn.kind === 'service-principal-secret' ? { clientSecret: secret } : { certificatePem: secret }),
    });
  }

  private environmentPrincipal(): ServicePrincipal | null {
    const { AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: clientSecret, AZURE_CLIENT_CERTIFICATE_PATH: certPath } = this.env;
    if (!tenantId || !clientId || (!clientSecret && !certPath)) return null;
    if (clientSecret) return { tenantId, clientId, clientSecret };
    try {
      return { tenantId, clientId, certificatePem: readFileSync(certPath!, 'utf8') };
    } catch (error) {
      throw new AppError('validation_failed', `Cannot read AZURE_CLIENT_CERTIFICATE_PATH ${certPath}: ${(error as NodeJS.ErrnoException).code}.`);
    }
  }

  private cached(key: string, make: () => AzureConnection): AzureConnection {
    let connection = this.connections.get(key);
    if (!connection) {
      connection = make();
      this.connections.set(key, connection);
    }
    return connection;
  }
}
