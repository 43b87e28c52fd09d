import { execFile } from 'node:child_process';
import { access, constants, readFile, statfs } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import type { ConfigDb } from '../config-db/open-database.ts';
import type { RepositoriesStore } from '../config-db/repositories-store.ts';
import type { SessionContext, SessionOutcome } from './session-context.ts';

const execFileAsync = promisify(execFile);
const GIB = 1024 ** 3;

export interface EnvironmentCheckDeps {
  db: ConfigDb;
  dataDir: string;
  repositories: RepositoriesStore;
  /** How long one reachability probe may take before it counts as unreachable. */
  probeTimeoutMs?: number;
}

/**
 * The environment check: config DB integrity, free space in the data folder, reachability of every
 * configured repository and Azure endpoint, and the client tools backups need. Each finding is one
 * log line; problems are warnings or errors, so the session's status says how healthy things are.
 */
export async function runEnvironmentCheck(deps: EnvironmentCheckDeps, ctx: SessionContext): Promise<SessionOutcome> {
  const repositories = deps.repositories.list();
  const profiles = deps.db.prepare('SELECT name, arm_endpoint, ca_cert_path FROM cloud_profiles ORDER BY name').all() as { name: string; arm_endpoint: string; ca_cert_path: string | null }[];
  const total = 3 + repositories.length + profiles.length;
  let done = 0;
  const step = () => ctx.progress(++done, total, 'checks');
  let problems = 0;

  ctx.info('Checking the configuration database…');
  const integrity = deps.db.pragma('integrity_check', { simple: true });
  if (integrity === 'ok') ctx.info('Configuration database: integrity ok.');
  else {
    problems++;
    ctx.error(`Configuration database: integrity check failed (${String(integrity)}).`);
  }
  step();

  ctx.info(`Checking the data folder ${deps.dataDir}…`);
  try {
    await access(deps.dataDir, constants.W_OK);
    const fs = await statfs(deps.dataDir);
    const free = fs.bavail * fs.bsize;
    const freeText = `${(free / GIB).toFixed(1)} GiB free`;
    if (free < 0.1 * GIB) {
      problems++;
      ctx.error(`Data folder: only ${freeText}; sessions and logs may fail to save.`);
    } else if (free < 1 * GIB) {
      problems++;
      ctx.warn(`Data folder: ${freeText}; less than 1 GiB left.`);
    } else ctx.info(`Data folder: writable, ${freeText}.`);
  } catch (error) {
    problems++;
    ctx.error(`Data folder: not writable (${(error as Error).message}).`);
  }
  step();

  for (const repository of repositories) {
    ctx.throwIfCanceled();
    ctx.info(`Checking repository "${repository.name}" (${repository.location})…`);
    const result =
      repository.kind === 'local'
        ? await probeFolder(repository.location)
        : await probeEndpoint(repository.location, ctx.signal, deps.probeTimeoutMs ?? 15_000);
    if (!result.ok) problems++;
    (result.ok ? ctx.info : ctx.warn)(`Repository "${repository.name}": ${result.message}`);
    step();
  }
  if (!repositories.length) ctx.info('No repositories configured yet.');

  for (const profile of profiles) {
    ctx.throwIfCanceled();
    ctx.info(`Checking Azure endpoint of cloud profile "${profile.name}" (${profile.arm_endpoint})…`);
    const result = await probeEndpoint(profile.arm_endpoint, ctx.signal, deps.probeTimeoutMs ?? 15_000, profile.ca_cert_path);
    if (!result.ok) problems++;
    (result.ok ? ctx.info : ctx.warn)(`Azure (${profile.name}): ${result.message}`);
    step();
  }
  if (!profiles.length) ctx.info('No Azure cloud profile configured yet: Azure reachability not checked.');

  ctx.throwIfCanceled();
  for (const tool of ['pg_dump', 'pg_restore']) {
    try {
      const { stdout } = await execFileAsync(tool, ['--version'], { timeout: 5000, signal: ctx.signal });
      ctx.info(`${tool}: ${stdout.trim()}.`);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      problems++;
      ctx.warn(`${tool}: not found; backups of Cosmos DB for PostgreSQL need the PostgreSQL client tools.`);
    }
  }
  step();

  return { summary: problems ? `${total} checks, ${problems} problem${problems === 1 ? '' : 's'}` : `${total} checks passed` };
}

interface ProbeResult {
  ok: boolean;
  message: string;
}

async function probeFolder(path: string): Promise<ProbeResult> {
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return { ok: true, message: 'folder reachable and writable.' };
  } catch (error) {
    return { ok: false, message: `folder not usable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).` };
  }
}

/**
 * Any HTTP answer proves the endpoint is reachable; silence until the timeout does not. A cloud
 * profile's own CA certificate is trusted next to the system's roots, as the Azure clients do.
 */
async function probeEndpoint(url: string, signal: AbortSignal, timeoutMs: number, caCertFile: string | null = null): Promise<ProbeResult> {
  const started = performance.now();
  let ca: string[] | undefined;
  if (caCertFile) {
    try {
      ca = [...rootCertificates, await readFile(caCertFile, 'utf8')];
    } catch (error) {
      return { ok: false, message: `its CA certificate file ${caCertFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).` };
    }
  }
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const target = new URL(url);
      const send = target.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = send(target, { method: 'HEAD', signal: deadline, ...(ca ? { ca } : {}) }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    return { ok: true, message: `reachable (HTTP ${status} in ${Math.round(performance.now() - started)} ms).` };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const err = error as NodeJS.ErrnoException;
    if (deadline.aborted) return { ok: false, message: `no answer within ${timeoutMs / 1000} s.` };
    return { ok: false, message: `unreachable (${err.code ?? err.message}).` };
  }
}
