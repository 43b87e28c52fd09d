import { describe, expect, it } from 'vitest';
import { createAgentKeyPair, lineKey, newJobToken, openSealedSecrets, sealSecrets } from '../../../src-main/worker/mailbox/mailbox-crypto.ts';
import { agentToAppSchema, encodeFrame, FrameSequence, MailboxTamperedError } from '../../../src-main/worker/mailbox/mailbox-frames.ts';
import { capacityRefusalOf, CapacityMemory, sizeFamily, sizesToTry } from '../../../src-main/azure/workers/vm-sizing.ts';

const secrets = { databasePassword: 'db-secret-1', repositoryPassword: 'repo-secret-2', storage: { kind: 'sharedKey' as const, accountKey: 'account-key-3' } };

describe('sealed job secrets', () => {
  it('open only with the agent key they were sealed to, for the job they were sealed for', () => {
    const agent = createAgentKeyPair();
    const sealed = sealSecrets(secrets, agent.publicKey, 'job-1');
    expect(JSON.stringify(sealed)).not.toMatch(/secret|account-key/);
    expect(openSealedSecrets(sealed, agent.privateKey, 'job-1')).toEqual(secrets);
    expect(() => openSealedSecrets(sealed, createAgentKeyPair().privateKey, 'job-1')).toThrow();
    expect(() => openSealedSecrets(sealed, agent.privateKey, 'job-2')).toThrow();
    const flipped = Buffer.from(sealed.ciphertext, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => openSealedSecrets({ ...sealed, ciphertext: flipped.toString('base64url') }, agent.privateKey, 'job-1')).toThrow();
  });
});

describe('mailbox frames', () => {
  const token = newJobToken();
  const key = lineKey(token, 'job-1', 'from-agent');
  const frame = (seq: number, message: string) => encodeFrame(agentToAppSchema, key, seq, { type: 'log', level: 'info', message });

  it('accepts frames in order and refuses a replay, a gap, a change, and a frame of another job', () => {
    const reader = new FrameSequence(agentToAppSchema, key, 'mailbox');
    expect(reader.accept(frame(0, 'a'))).toMatchObject({ message: 'a' });
    expect(() => reader.accept(frame(0, 'a'))).toThrow(/frame 0 arrived where frame 1 was due/);
    expect(() => new FrameSequence(agentToAppSchema, key, 'mailbox').accept(frame(1, 'b'))).toThrow(MailboxTamperedError);
    const changed = frame(0, 'a').replace('"a', '"b');
    expect(() => new FrameSequence(agentToAppSchema, key, 'mailbox').accept(changed)).toThrow(/fails its authentication/);
    const otherJob = encodeFrame(agentToAppSchema, lineKey(token, 'job-2', 'from-agent'), 0, { type: 'log', level: 'info', message: 'x' });
    expect(() => new FrameSequence(agentToAppSchema, key, 'mailbox').accept(otherJob)).toThrow(/fails its authentication/);
    const otherDirection = encodeFrame(agentToAppSchema, lineKey(token, 'job-1', 'to-agent'), 0, { type: 'log', level: 'info', message: 'x' });
    expect(() => new FrameSequence(agentToAppSchema, key, 'mailbox').accept(otherDirection)).toThrow(/fails its authentication/);
    expect(() => new FrameSequence(agentToAppSchema, key, 'mailbox').accept('not json')).toThrow(/not JSON/);
  });
});

describe('worker VM sizes', () => {
  const sizes = ['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_D8s_v5'];
  it('picks by the data size (Veeam: ≤ 22 GB, ≤ 112 GB, above) and falls back upwards, then downwards', () => {
    expect(sizesToTry(undefined, sizes)).toEqual(sizes);
    expect(sizesToTry(22e9, sizes)[0]).toBe('Standard_D2s_v5');
    expect(sizesToTry(22e9 + 1, sizes)).toEqual(['Standard_D4s_v5', 'Standard_D8s_v5', 'Standard_D2s_v5']);
    expect(sizesToTry(113e9, sizes)).toEqual(['Standard_D8s_v5', 'Standard_D4s_v5', 'Standard_D2s_v5']);
    expect(sizesToTry(500e9, ['Standard_E4s_v5'])).toEqual(['Standard_E4s_v5']);
    expect(sizeFamily('Standard_D16s_v5')).toBe(sizeFamily('Standard_D2s_v5'));
  });

  it('tells capacity refusals from other errors, and remembers them for a while', () => {
    expect(capacityRefusalOf({ code: 'OperationNotAllowed', message: 'exceeding approved standardDSv5Family Cores quota' })).toBe('quota');
    expect(capacityRefusalOf({ code: 'OperationNotAllowed', message: 'VM is not running' })).toBeUndefined();
    expect(capacityRefusalOf({ code: 'SkuNotAvailable' })).toBe('sku');
    expect(capacityRefusalOf({ message: 'The long-running operation has failed. ZonalAllocationFailed. No capacity.' })).toBe('zonal-allocation');
    const memory = new CapacityMemory();
    memory.remember('s', 'westeurope', 'Standard_D2s_v5', 'regional', 'sku', 'size not offered here', 0);
    expect(memory.refusedRecently('s', 'westeurope', 'Standard_D2s_v5', '2', 1000)).toEqual({ reason: 'size not offered here', wholeSize: true });
    expect(memory.refusedRecently('s', 'westeurope', 'Standard_D2s_v5', '2', 25 * 3600_000)).toBeUndefined();
    memory.remember('s', 'westeurope', 'Standard_D4s_v5', '1', 'zonal-allocation', 'no capacity in the zone', 0);
    expect(memory.refusedRecently('s', 'westeurope', 'Standard_D4s_v5', '2', 1000)).toBeUndefined();
    expect(memory.refusedRecently('s', 'westeurope', 'Standard_D4s_v5', '1', 1000)?.wholeSize).toBe(false);
  });
});
