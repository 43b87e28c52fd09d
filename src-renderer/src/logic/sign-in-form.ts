import { azureSignInInputSchema, type AzureSignInInput } from '../../../src-main/shared/azure-contract.ts';

/** The sign-in form's choices and fields (strings, as typed), turned into the core's request. Pure. */
export type SignInMethodChoice = 'interactive' | 'device-code' | 'secret' | 'certificate';

export const BUILTIN_CLOUDS = [
  { name: 'AzureCloud', label: 'Azure (public)' },
  { name: 'AzureUSGovernment', label: 'Azure US Government' },
  { name: 'AzureChinaCloud', label: 'Azure China (21Vianet)' },
] as const;

/** The cloud select's value for "define a custom cloud here". */
export const CUSTOM_CLOUD = '\u0000custom';

export interface SignInFormValues {
  method: SignInMethodChoice;
  cloud: string;
  customName: string;
  armEndpoint: string;
  authorityHost: string;
  armAudience: string;
  caCertFile: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  certificatePem: string;
}

export function emptySignInForm(): SignInFormValues {
  return { method: 'device-code', cloud: 'AzureCloud', customName: '', armEndpoint: '', authorityHost: '', armAudience: '', caCertFile: '', tenantId: '', clientId: '', clientSecret: '', certificatePem: '' };
}

export function signInRequest(values: SignInFormValues): AzureSignInInput {
  const trimmed = (text: string) => text.trim() || undefined;
  const custom = values.cloud === CUSTOM_CLOUD;
  return {
    method: values.method === 'interactive' || values.method === 'device-code' ? values.method : 'service-principal',
    cloudProfile: custom ? values.customName.trim() : values.cloud,
    ...(custom ? { customCloud: { armEndpoint: values.armEndpoint.trim(), authorityHost: values.authorityHost.trim(), ...(trimmed(values.armAudience) ? { armAudience: trimmed(values.armAudience) } : {}), ...(trimmed(values.caCertFile) ? { caCertFile: trimmed(values.caCertFile) } : {}) } } : {}),
    tenantId: values.tenantId.trim(),
    ...(trimmed(values.clientId) ? { clientId: trimmed(values.clientId) } : {}),
    ...(values.method === 'secret' && values.clientSecret ? { clientSecret: values.clientSecret } : {}),
    ...(values.method === 'certificate' && values.certificatePem ? { certificatePem: values.certificatePem } : {}),
  };
}

/** Field (form name) → message, from the core's own schema. */
export function signInErrors(values: SignInFormValues): Record<string, string> {
  const parsed = azureSignInInputSchema.safeParse(signInRequest(values));
  if (parsed.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    const field = path === 'cloudProfile' ? 'customName' : path.startsWith('customCloud.') ? path.slice('customCloud.'.length) : path === 'clientSecret' && values.method === 'certificate' ? 'certificatePem' : path;
    errors[field] ??= issue.message;
  }
  return errors;
}
