import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The agent run from source (Node 22 strips the types). */
export const AGENT_SOURCE_ENTRY = fileURLToPath(new URL('./agent-main.ts', import.meta.url));

/**
 * Where `npm install` (the `prepare` script) and `npm run build` put the bundled agent: the
 * self-contained bundle a worker VM runs (build-agent-bundle.ts), used on this computer too. With
 * its dependencies written in, it starts about 60 ms sooner than a bundle that resolves them from
 * node_modules file by file (0.17 s against 0.23 s from launch to reading the job, on two cores;
 * 0.12 s since engines load on first use, registry.ts).
 */
export const AGENT_BUNDLE_ENTRY = fileURLToPath(new URL('../../out/worker-vm/worker-agent.js', import.meta.url));

/** The sources the bundle is built from. */
const SOURCE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time of any file under `root` (0 when there is none). */
function newestFileTime(root: string): number {
  let newest = 0;
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * `bundle` when it exists and no file under `sourceRoot` is newer, else undefined. A bundle built
 * from these sources starts in a third of the time (no type stripping of some 100 modules: measured
 * 0.17 s against 0.35–0.5 s per job on two cores); a source edited since the build must win, so
 * anything newer than the bundle sends the launcher back to the sources.
 */
export function bundleIfFresh(bundle: string, sourceRoot: string): string | undefined {
  let built: number;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return undefined;
  }
  try {
    return newestFileTime(sourceRoot) <= built ? bundle : undefined;
  } catch {
    return undefined;
  }
}

let chosen: string | undefined;

/** The agent entry for this installation: the fresh bundle, or the sources. Decided once per process. */
export function installedAgentEntry(): string {
  chosen ??= bundleIfFresh(AGENT_BUNDLE_ENTRY, SOURCE_ROOT) ?? AGENT_SOURCE_ENTRY;
  return chosen;
}
