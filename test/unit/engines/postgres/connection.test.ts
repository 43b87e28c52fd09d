import { describe, expect, it } from 'vitest';
import { describeConnection, driverConfig, parsePostgresUri, toolEnvironment } from '../../../../src-main/engines/postgres/connection.ts';
import { classifyMessage } from '../../../../src-main/engines/postgres/pg-tools.ts';
import { createRedactor } from '../../../../src-main/engines/redact.ts';

describe('PostgreSQL connections', () => {
  it('requires TLS by default, verify-full with a CA file, and splits the password off', () => {
    const parsed = parsePostgresUri('postgres://citus:s3cr%40t@c-demo.postgres.cosmos.azure.com/citus');
    expect(parsed).toEqual({ connection: { engine: 'postgres', host: 'c-demo.postgres.cosmos.azure.com', port: 5432, user: 'citus', database: 'citus', sslMode: 'require' }, password: 's3cr@t' });
    expect(parsePostgresUri('postgresql://u@h:6432/d?sslrootcert=/ca.pem').connection).toMatchObject({ sslMode: 'verify-full', sslRootCert: '/ca.pem', port: 6432 });
    expect(parsePostgresUri('postgres://u@127.0.0.1/d?sslmode=disable').connection.sslMode).toBe('disable');
    expect(() => parsePostgresUri('postgres://u@h/d?sslmode=sometimes')).toThrow(/Unknown sslmode/);
    expect(() => parsePostgresUri('mysql://u@h/d')).toThrow(/Not a PostgreSQL URI/);
  });

  it('never puts the password into a description; tools get it through PGPASSWORD only', () => {
    const { connection, password } = parsePostgresUri('postgres://citus:hunter2-long@h:5432/db');
    expect(describeConnection(connection)).toBe('postgres://citus@h:5432/db?sslmode=require');
    const env = toolEnvironment(connection, password, 'other db');
    expect(env).toMatchObject({ PGHOST: 'h', PGPORT: '5432', PGUSER: 'citus', PGDATABASE: 'other db', PGSSLMODE: 'require', PGPASSWORD: 'hunter2-long' });
    expect(env.COSMOS_BACKUP_REPO_PASSWORD).toBeUndefined();
    expect(driverConfig(connection, password, 'db').ssl).toEqual({ rejectUnauthorized: false });
  });

  it('classifies libpq failures into codes with plain messages', () => {
    expect(classifyMessage('FATAL:  password authentication failed for user "x"')?.code).toBe('auth_failed');
    expect(classifyMessage('server does not support SSL, but SSL was required')?.code).toBe('tls_refused');
    expect(classifyMessage('connection to server at "127.0.0.1", port 1 failed: Connection refused')?.code).toBe('unreachable');
    expect(classifyMessage('pg_dump: error: could not obtain lock on relation "t"')?.code).toBe('lock_timeout');
  });

  it('redacts secrets, URI passwords and password= pairs', () => {
    const redact = createRedactor(['hunter2-long', undefined, 'ab']);
    expect(redact('pw hunter2-long in postgres://u:other@h/d and password=xyz; ab stays')).toBe('pw *** in postgres://u:***@h/d and password=***; ab stays');
  });
});
