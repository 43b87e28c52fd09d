import { describe, expect, it } from 'vitest';
import { CUSTOM_CLOUD, emptySignInForm, signInErrors, signInRequest } from '../../../src-renderer/src/logic/sign-in-form.ts';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '66666666-7777-4888-9999-000000000000';

describe('the Azure sign-in form', () => {
  it('asks a service principal for its client id and exactly one credential, on those fields', () => {
    const values = { ...emptySignInForm(), method: 'secret' as const, tenantId: TENANT };
    expect(signInErrors(values)).toMatchObject({ clientId: 'is needed for a service principal', clientSecret: 'give a client secret or a certificate (one of them)' });
    const certificate = { ...values, method: 'certificate' as const, clientId: CLIENT, certificatePem: 'no key here' };
    expect(signInErrors(certificate)).toMatchObject({ certificatePem: 'must hold the certificate and its private key (PEM)' });
    const ok = { ...values, clientId: CLIENT, clientSecret: 's3cret', certificatePem: 'left over from another choice' };
    expect(signInErrors(ok)).toEqual({});
    // Only the chosen method's credential is sent.
    expect(signInRequest(ok)).toEqual({ method: 'service-principal', cloudProfile: 'AzureCloud', tenantId: TENANT, clientId: CLIENT, clientSecret: 's3cret' });
  });

  it('a custom cloud needs a name and https endpoints; a person signs in without a secret', () => {
    const values = { ...emptySignInForm(), method: 'device-code' as const, cloud: CUSTOM_CLOUD, tenantId: 'contoso.onmicrosoft.com', armEndpoint: 'http://arm.example', authorityHost: 'https://login.example' };
    expect(signInErrors(values)).toMatchObject({ customName: 'must not be empty', armEndpoint: 'must be an https:// address' });
    const fixed = { ...values, customName: 'Sovereign', armEndpoint: 'https://arm.example', clientSecret: 'typed before switching method' };
    expect(signInErrors(fixed)).toEqual({});
    expect(signInRequest(fixed)).toEqual({ method: 'device-code', cloudProfile: 'Sovereign', customCloud: { armEndpoint: 'https://arm.example', authorityHost: 'https://login.example' }, tenantId: 'contoso.onmicrosoft.com' });
  });
});
