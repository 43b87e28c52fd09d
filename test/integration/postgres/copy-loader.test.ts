import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src-main/engines/engine-error.ts';
import { loadTableData } from '../../../src-main/engines/postgres/copy-loader.ts';
import type { TableLoad } from '../../../src-main/engines/postgres/copy-loader.ts';
import { startPostgres } from '../../helpers/postgres.ts';
import type { TestPostgres } from '../../helpers/postgres.ts';
import { connectionOf } from './support.ts';

const SESSION = "SET statement_timeout = 0; SET client_encoding = 'UTF8'; SET standard_conforming_strings = 'on'; SELECT pg_catalog.set_config('search_path', '', false);";

describe('loading a table over the COPY protocol (real PostgreSQL)', () => {
  let server: TestPostgres;
  const notices: string[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE DATABASE copyload');
    await server.query(`CREATE TABLE public."Tâble" (id int PRIMARY KEY, label text, raw bytea)`, 'copyload');
  });
  afterAll(async () => {
    await server?.stop();
  });

  function load(data: AsyncIterable<Uint8Array>, signal = new AbortController().signal): Promise<number> {
    const spec: TableLoad = {
      connection: connectionOf(server, 'copyload'),
      password: server.password,
      database: 'copyload',
      sessionSql: SESSION,
      copySql: 'COPY public."Tâble" (id, label, raw) FROM stdin',
      label: 'public.Tâble',
      data,
      signal,
      redact: (text) => text.replaceAll(server.password, '***'),
      onNotice: (message) => notices.push(message),
    };
    return loadTableData(spec);
  }
  async function* pieces(...texts: string[]) {
    for (const text of texts) yield Buffer.from(text);
  }
  const count = async () => Number((await server.query<{ n: string }>(`SELECT count(*)::text AS n FROM public."Tâble"`, 'copyload'))[0]!.n);

  it('loads pg_dump COPY text cut anywhere, with its end marker, and reports the rows', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `${i}\tZürich \\t ${i}\t\\\\x${i.toString(16).padStart(4, '0')}\n`).join('');
    const text = rows + '\\.\n\n\n';
    const cuts = [0, 7, 4096, text.length - 4, text.length];
    const loaded = await load(pieces(...cuts.slice(1).map((end, i) => text.slice(cuts[i], end))));
    expect(loaded).toBe(2000);
    const sample = await server.query<{ label: string; raw: string }>(`SELECT label, encode(raw, 'hex') AS raw FROM public."Tâble" WHERE id = 1999`, 'copyload');
    expect(sample[0]).toEqual({ label: 'Zürich \t 1999', raw: '07cf' });
    await server.query(`TRUNCATE public."Tâble"`, 'copyload');
  });

  it('names the table when the server rejects a row, and keeps none of the load', async () => {
    const error = await load(pieces('1\ta\t\\\\x00\n', '2\tb\t\\\\x01\n1\tduplicate\t\\\\x02\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toMatch(/^Loading public\.Tâble: .*duplicate key/);
    expect((error as Error).message).not.toContain(server.password);
    expect(await count()).toBe(0);
  });

  it('reports a failure of the stored text as it is, not as the server', async () => {
    const damaged = new Error('chunk 1234 is damaged');
    async function* failing() {
      yield Buffer.from('1\ta\t\\\\x00\n');
      throw damaged;
    }
    await expect(load(failing())).rejects.toBe(damaged);
    expect(await count()).toBe(0);
  });

  it('stops at once when canceled mid-load and leaves no COPY running on the server', async () => {
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0; ; i++) {
        if (i === 50) controller.abort();
        yield Buffer.from(`${i}\tx\t\\\\x00\n`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const error = await load(endless(), controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('canceled');
    expect(await count()).toBe(0);
    // The backend that ran the COPY goes away with its connection.
    for (let attempt = 0; attempt < 50; attempt++) {
      const copies = await server.query(`SELECT pid FROM pg_stat_activity WHERE datname = 'copyload' AND query LIKE 'COPY%'`);
      if (copies.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await server.query(`SELECT pid FROM pg_stat_activity WHERE datname = 'copyload' AND query LIKE 'COPY%'`)).toEqual([]);
  });
});
