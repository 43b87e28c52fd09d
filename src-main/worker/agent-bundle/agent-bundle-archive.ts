import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleIfFresh } from '../agent-entry.ts';
import { AGENT_VM_BUNDLE_DIR, buildAgentBundle } from './build-agent-bundle.ts';

/** The sources the agent is built from (absent in a packaged app). */
const SOURCE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The agent bundle a worker VM downloads: the Linux x64 Node runtime and the self-contained agent, as one tar.gz. */
export interface AgentBundleArchive {
  path: string;
  /** SHA-256 of the archive, hex: the bootstrap refuses a download that does not match. */
  sha256: string;
  size: number;
}

/** The environment variable naming a Linux x64 Node 22 binary to ship (when this computer is not Linux x64). */
export const WORKER_RUNTIME_ENV = 'COSMOS_BACKUP_WORKER_NODE_RUNTIME';

/** Whether a file is a Linux x86-64 executable (ELF, machine 0x3E). */
export function isLinuxX64Executable(path: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return false;
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(0) === 0x7f454c46 && header[4] === 2 && header.readUInt16LE(18) === 0x3e;
}

/** The Node runtime to ship: `$COSMOS_BACKUP_WORKER_NODE_RUNTIME`, else the project's pinned Node 22 when it is a Linux x64 binary. */
export function defaultWorkerRuntime(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[WORKER_RUNTIME_ENV];
  const candidate = configured || join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
  if (!existsSync(candidate) || !isLinuxX64Executable(candidate)) {
    throw new Error(
      `Worker VMs need a Linux x64 Node 22 runtime to ship; ${candidate} is not one. Set ${WORKER_RUNTIME_ENV} to a Linux x64 \`node\` binary, or run jobs on this computer (setting workerDefault = this-computer).`,
    );
  }
  return candidate;
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface AgentBundleOptions {
  /** The built agent (default: out/worker-vm, built now when missing). */
  bundleDir?: string;
  /** The Linux x64 Node binary (default: defaultWorkerRuntime()). */
  runtimePath?: string;
  /** Where archives are kept between runs (default: ~/.cache/cosmos-backup/agent-bundles). */
  cacheDir?: string;
}

/**
 * Makes (once per content) the archive a worker VM fetches: `node` (the runtime), `worker-agent.js`,
 * `codec-worker.js` and their chunks. Kept in a cache folder under a name derived from what went
 * in, so the ~40 MiB archive is built only when the agent or the runtime changed.
 */
export async function agentBundleArchive(options: AgentBundleOptions = {}): Promise<AgentBundleArchive> {
  const bundleDir = options.bundleDir ?? AGENT_VM_BUNDLE_DIR;
  const entry = join(bundleDir, 'worker-agent.js');
  // Built by `npm install`; rebuilt here when missing, or when a source was edited since (development).
  if (!existsSync(entry) || (bundleDir === AGENT_VM_BUNDLE_DIR && existsSync(SOURCE_ROOT) && !bundleIfFresh(entry, SOURCE_ROOT))) await buildAgentBundle(bundleDir);
  const runtime = options.runtimePath ?? defaultWorkerRuntime();
  const files = filesUnder(bundleDir);
  const key = createHash('sha256');
  for (const file of files) key.update(file).update('\0').update(readFileSync(join(bundleDir, file)));
  const runtimeStat = statSync(runtime);
  key.update(`runtime ${runtime} ${runtimeStat.size} ${runtimeStat.mtimeMs}`);
  const cacheDir = options.cacheDir ?? join(process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir()), 'cosmos-backup', 'agent-bundles');
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `agent-${key.digest('hex').slice(0, 24)}.tar.gz`);
  if (!existsSync(path)) await writeArchive(path, bundleDir, files, runtime);
  return { path, sha256: await sha256Of(path), size: statSync(path).size };
}

/** Writes the tar.gz from a staging folder (the runtime goes in as `node`, executable), then renames it into place. */
async function writeArchive(path: string, bundleDir: string, files: string[], runtime: string): Promise<void> {
  const { create } = await import('tar');
  const staging = mkdtempSync(join(tmpdir(), 'cosmos-agent-bundle-'));
  const partial = `${path}.${process.pid}.partial`;
  try {
    for (const file of files) {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      copyFileSync(join(bundleDir, file), join(staging, file));
    }
    copyFileSync(runtime, join(staging, 'node'));
    chmodSync(join(staging, 'node'), 0o755);
    await create({ gzip: { level: 6 }, file: partial, cwd: staging, portable: true }, ['node', ...files]);
    renameSync(partial, path);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}
