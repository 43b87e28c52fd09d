import { describe, expect, it } from 'vitest';
import { encodeLine, inboundMessageSchema, jobSpecSchema, outboundMessageSchema, parseLine } from '../../../src-main/worker/protocol.ts';

const connection = { engine: 'postgres', host: 'h', port: 5432, user: 'u', database: 'd', sslMode: 'require' } as const;

describe('worker protocol', () => {
  it('validates jobs and fills defaults', () => {
    const job = jobSpecSchema.parse({ kind: 'backup', jobId: 'j1', engine: 'postgres', repository: { location: '/r' }, source: connection, resource: { id: 'r', name: 'n', kind: 'postgres' } });
    expect(job).toMatchObject({ databases: [], options: {} });
    const restore = jobSpecSchema.parse({ kind: 'restore', jobId: 'j2', engine: 'postgres', repository: { location: '/r' }, restorePointId: 'abcdef0123', target: { kind: 'database', connection } });
    expect(restore.kind === 'restore' && restore.target.kind === 'database' && restore.target.clean).toBe(false);
    expect(jobSpecSchema.safeParse({ kind: 'restore', jobId: 'j', engine: 'postgres', repository: { location: '/r' }, restorePointId: 'xyz', target: { kind: 'folder', path: '/x' } }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ kind: 'backup', jobId: 'j', engine: 'oracle', repository: { location: '/r' }, source: connection, resource: { id: 'r', name: 'n', kind: 'k' } }).success).toBe(false);
  });

  it('validates both directions line by line, without echoing bad input', () => {
    expect(parseLine(inboundMessageSchema, '{"type":"cancel"}')).toEqual({ ok: true, value: { type: 'cancel' } });
    const bad = parseLine(inboundMessageSchema, '{"type":"secrets","secrets":{"databasePassword":42}}');
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('42');
    expect(parseLine(outboundMessageSchema, 'not json')).toEqual({ ok: false, error: 'not JSON' });
    const line = encodeLine(outboundMessageSchema, { type: 'result', ok: false, error: { code: 'auth_failed', message: 'no' } });
    expect(line.endsWith('\n')).toBe(true);
    expect(parseLine(outboundMessageSchema, line).ok).toBe(true);
    expect(() => encodeLine(outboundMessageSchema, { type: 'progress', done: -1, total: null, unit: 'bytes' })).toThrow();
  });
});
