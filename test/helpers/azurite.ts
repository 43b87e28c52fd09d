import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The well-known Azurite development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteInstance {
  /** e.g. `http://127.0.0.1:41234/devstoreaccount1` */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  connectionString: string;
  port: number;
  /** Folder holding Azurite's data; pass it back to `startAzurite` to restart on the same data. */
  location: string;
  /** The Azurite server's process id (benchmarks read its CPU time). */
  pid: number | undefined;
  /** Stops Azurite (SIGTERM, then SIGKILL) and, unless `keepData`, deletes its data folder. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts Azurite's blob service on 127.0.0.1 on a free port, with disk persistence in a temporary
 * folder (or `options.location` to reuse data), and waits until it accepts connections.
 */
export async function startAzurite(options: { location?: string; port?: number } = {}): Promise<AzuriteInstance> {
  const location = options.location ?? (await mkdtemp(join(tmpdir(), 'azurite-')));
  const binary = join(new URL('../..', import.meta.url).pathname, 'node_modules', '.bin', 'azurite-blob');
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      binary,
      ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--skipApiVersionCheck', '--disableTelemetry', '--silent', '--loose'],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
    );
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline && !(await canConnect(port))) await new Promise((resolve) => setTimeout(resolve, 100));
    if (exited || Date.now() >= deadline) {
      if (!exited) child.kill('SIGKILL');
      if (options.port !== undefined || attempt === 4) throw new Error(`Azurite did not start on port ${port}: ${stderr.slice(0, 500)}`);
      continue; // the port was taken between probing and binding: try another
    }
    const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`;
    return {
      blobEndpoint,
      accountName: AZURITE_ACCOUNT_NAME,
      accountKey: AZURITE_ACCOUNT_KEY,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
      port,
      location,
      pid: child.pid,
      async stop(stopOptions = {}) {
        if (!exited && child.pid !== undefined) {
          const gone = new Promise((resolve) => child.once('exit', resolve));
          process.kill(child.pid, 'SIGTERM');
          const timer = setTimeout(() => child.pid !== undefined && !exited && process.kill(child.pid, 'SIGKILL'), 5_000);
          await gone;
          clearTimeout(timer);
        }
        if (!stopOptions.keepData) await rm(location, { recursive: true, force: true });
      },
    };
  }
  throw new Error('Azurite did not start');
}
