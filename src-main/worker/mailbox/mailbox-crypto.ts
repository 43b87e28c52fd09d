import { createCipheriv, createDecipheriv, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { jobSecretsSchema, type JobSecrets } from '../protocol.ts';

/**
 * The cryptography of the blob mailbox (docs/worker-protocol.md, "Workers on Azure VMs").
 *
 * - A **job token** (32 random bytes) reaches the agent only through the Run Command's protected
 *   parameters. Every line in the mailbox is authenticated with a key derived from it (one key per
 *   direction), numbered, so a line changed, dropped, reordered or replayed from another job fails.
 * - The agent makes a **one-time X25519 key pair** in memory and publishes its public key (itself
 *   authenticated). The app seals the job's secrets to it (ephemeral X25519, HKDF-SHA256,
 *   AES-256-GCM, the job id as associated data): the mailbox never holds them in clear.
 */

export const JOB_TOKEN_BYTES = 32;

export type MailboxDirection = 'to-agent' | 'from-agent';

/** A fresh job token, base64url (it travels as a protected Run Command parameter). */
export function newJobToken(): string {
  return randomBytes(JOB_TOKEN_BYTES).toString('base64url');
}

function tokenBytes(jobToken: string): Buffer {
  const bytes = Buffer.from(jobToken, 'base64url');
  if (bytes.length !== JOB_TOKEN_BYTES) throw new Error('The job token is not 32 bytes of base64url.');
  return bytes;
}

/** The MAC key of one direction of a job's mailbox. */
export function lineKey(jobToken: string, jobId: string, direction: MailboxDirection): Buffer {
  return Buffer.from(hkdfSync('sha256', tokenBytes(jobToken), Buffer.from(jobId, 'utf8'), Buffer.from(`cosmos-backup mailbox ${direction}`, 'utf8'), 32));
}

/** HMAC-SHA256 over the sequence number and the message text (base64url). */
export function lineMac(key: Buffer, seq: number, body: string): string {
  return createHmac('sha256', key).update(`${seq}\n${body}`, 'utf8').digest('base64url');
}

/** Compares MACs in constant time. */
export function macMatches(key: Buffer, seq: number, body: string, mac: string): boolean {
  const expected = Buffer.from(lineMac(key, seq, body), 'base64url');
  const given = Buffer.from(mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The agent's one-time key pair (the private key never leaves the agent's memory). */
export interface AgentKeyPair {
  /** Raw X25519 public key, base64url. */
  publicKey: string;
  privateKey: KeyObject;
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function createAgentKeyPair(): AgentKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKey: spki.subarray(X25519_SPKI_PREFIX.length).toString('base64url'), privateKey };
}

function publicKeyObject(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length !== 32) throw new Error('The agent public key is not a 32-byte X25519 key.');
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, bytes]), format: 'der', type: 'spki' });
}

export const sealedSecretsSchema = z.object({
  alg: z.literal('X25519-HKDF-SHA256-A256GCM'),
  /** The app's ephemeral public key, raw base64url. */
  ephemeralKey: z.string().min(40).max(60),
  iv: z.string().min(12).max(24),
  ciphertext: z.string().min(1).max(1_000_000),
  tag: z.string().min(16).max(32),
});
export type SealedSecrets = z.infer<typeof sealedSecretsSchema>;

function sealingKey(shared: Buffer, jobId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.from(jobId, 'utf8'), Buffer.from('cosmos-backup sealed job secrets', 'utf8'), 32));
}

/** Seals `secrets` to the agent's public key; only that agent's private key opens them, for this job only. */
export function sealSecrets(secrets: JobSecrets, agentPublicKey: string, jobId: string): SealedSecrets {
  const ephemeral = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyObject(agentPublicKey) });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(shared, jobId), iv);
  cipher.setAAD(Buffer.from(jobId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  const spki = ephemeral.publicKey.export({ format: 'der', type: 'spki' });
  return {
    alg: 'X25519-HKDF-SHA256-A256GCM',
    ephemeralKey: spki.subarray(X25519_SPKI_PREFIX.length).toString('base64url'),
    iv: iv.toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/** Opens sealed secrets with the agent's private key; throws when they were not sealed to it for this job. */
export function openSealedSecrets(sealed: SealedSecrets, privateKey: KeyObject, jobId: string): JobSecrets {
  const shared = diffieHellman({ privateKey, publicKey: publicKeyObject(sealed.ephemeralKey) });
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(shared, jobId), Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(Buffer.from(jobId, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  return jobSecretsSchema.parse(JSON.parse(plain));
}

