import type { z } from 'zod';
import type { azureSignInInputSchema } from '../../shared/azure-contract.ts';
import type { AzureSignInView } from '../../shared/azure-contract.ts';
import { AppError } from '../../shared/errors.ts';
import type { SessionManager } from '../../core/sessions/session-manager.ts';
import type { Session } from '../../shared/session.ts';
import { customCloud, type CloudProfile } from '../cloud-profiles.ts';
import type { AzureConnector } from './azure-connector.ts';
import type { SignInRecord } from './sign-ins-store.ts';

/** A sign-in request; without a cloud profile, the cloud of the environment (AzureCloud unless COSMOS_BACKUP_ARM_ENDPOINT…). */
export type SignInRequest = Omit<z.output<typeof azureSignInInputSchema>, 'cloudProfile'> & { cloudProfile?: string };

const METHOD_LABELS: Record<SignInRequest['method'], string> = { interactive: 'in the browser', 'device-code': 'with a device code', 'service-principal': 'as a service principal' };

/** The cloud a sign-in goes to: a custom cloud defined by the request, else a stored or built-in one. */
export function signInProfile(connector: AzureConnector, request: Pick<SignInRequest, 'cloudProfile' | 'customCloud'>): CloudProfile {
  if (!request.customCloud) return connector.resolveProfile(request.cloudProfile);
  return customCloud({ name: request.cloudProfile ?? 'Custom', ...request.customCloud });
}

/**
 * Signs in and stores the sign-in (the one home of `azure login` and the console's sign-in):
 * a service principal is checked by fetching a token; a person signs in in the browser or with a
 * device code, `show` telling where to enter it.
 */
export async function signIn(connector: AzureConnector, request: SignInRequest, show: (message: string) => void, signal?: AbortSignal): Promise<{ record: SignInRecord; profile: CloudProfile }> {
  const profile = signInProfile(connector, request);
  if (request.method === 'device-code') return { record: await connector.loginDeviceCode(profile, request.tenantId, show, request.clientId, signal), profile };
  if (request.method === 'interactive') return { record: await connector.loginInteractive(profile, request.tenantId, request.clientId), profile };
  if (!request.clientId) throw new AppError('validation_failed', 'A service principal sign-in needs its application (client) id.', { field: 'clientId' });
  if (!request.clientSecret && !request.certificatePem) throw new AppError('validation_failed', 'A service principal signs in with a client secret or a certificate.', { field: 'clientSecret' });
  return { record: await connector.loginServicePrincipal({ profile, tenantId: request.tenantId, clientId: request.clientId, clientSecret: request.clientSecret, certificatePem: request.certificatePem }), profile };
}

/** Who a sign-in is, in words: the person's name, else the app's client id. */
export function signInWho(record: SignInRecord): string {
  return record.accountName ?? `app ${record.clientId}`;
}

/** Sign-ins for the console: starting one as a session (a device code shows in its log), listing, signing out. */
export class AzureSignIns {
  private readonly connector: AzureConnector;
  private readonly sessions: SessionManager;

  constructor(deps: { connector: AzureConnector; sessions: SessionManager }) {
    this.connector = deps.connector;
    this.sessions = deps.sessions;
  }

  start(request: SignInRequest): Session {
    const profile = signInProfile(this.connector, request);
    return this.sessions.start({ kind: 'sign-in', title: `Sign in to ${profile.name} (tenant ${request.tenantId}) ${METHOD_LABELS[request.method]}` }, async (ctx) => {
      // The method and cloud are in the title; the secret is never logged.
      if (request.method === 'interactive') ctx.info('A browser window opens on this computer: sign in there.');
      const { record } = await signIn(this.connector, request, (message) => ctx.info(message), ctx.signal);
      return { summary: `Signed in to ${profile.name} (tenant ${record.tenantId}) as ${signInWho(record)}.` };
    });
  }

  list(): AzureSignInView[] {
    const profiles = new Map(this.connector.profiles.list().map((p) => [p.id, p.name]));
    return this.connector.signIns.list().map((s) => ({ id: s.id, cloudProfile: profiles.get(s.cloudProfileId) ?? '?', tenantId: s.tenantId, clientId: s.clientId, kind: s.kind, accountName: s.accountName, createdAt: s.createdAt, lastUsedAt: s.lastUsedAt }));
  }

  async signOut(cloudProfile: string, tenantId?: string): Promise<number> {
    return (await this.connector.logout(cloudProfile, tenantId)).length;
  }
}
