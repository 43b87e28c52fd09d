import { createPublicKey, createSign, createVerify, constants, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Header and payload of a compact JWS, decoded but not yet trusted. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Signs `payload` with RS256. */
export function signJwt(payload: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const header = { typ: 'JWT', alg: 'RS256', kid, x5t: kid };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
  return `${signingInput}.${b64url(signature)}`;
}

/** Splits and parses a compact JWS; returns undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null) return undefined;
    return {
      header: header as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
      signingInput: `${h}.${p}`,
      signature: Buffer.from(s, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Verifies RS256 or PS256 (what msal-node uses for certificate assertions). */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const alg = jwt.header['alg'];
  const verifier = createVerify('RSA-SHA256').update(jwt.signingInput);
  if (alg === 'RS256') return verifier.verify(publicKey, jwt.signature);
  if (alg === 'PS256') {
    return verifier.verify(
      { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      jwt.signature,
    );
  }
  return false;
}

/** A client certificate registered for an app: its public key and both thumbprints (base64url). */
export interface RegisteredCertificate {
  publicKey: KeyObject;
  x5t: string;
  x5tS256: string;
  pem: string;
}

export function registerCertificate(pem: string): RegisteredCertificate {
  const cert = new X509Certificate(pem);
  return {
    publicKey: createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' })),
    x5t: Buffer.from(cert.fingerprint.replace(/:/g, ''), 'hex').toString('base64url'),
    x5tS256: Buffer.from(cert.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url'),
    pem,
  };
}
