import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the self-contained agent for worker VMs is built (`npm install` and `npm run build` do it). */
export const AGENT_VM_BUNDLE_DIR = fileURLToPath(new URL('../../../out/worker-vm/', import.meta.url));

/** Optional native add-ons of the drivers, never loaded by the agent (they are required inside try/catch). */
const OPTIONAL_NATIVE = ['kerberos', '@mongodb-js/zstd', 'snappy', 'mongodb-client-encryption', '@aws-sdk/credential-providers', 'gcp-metadata', 'socks', 'aws4', 'pg-native', 'supports-color'];

/**
 * Builds the agent as two self-contained ES modules (the agent and its codec thread) with every
 * dependency inside, for a worker VM that has nothing but the Node runtime shipped beside them.
 */
export async function buildAgentBundle(outDir = AGENT_VM_BUNDLE_DIR): Promise<string> {
  const { build } = await import('rolldown');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    input: {
      'worker-agent': fileURLToPath(new URL('../agent-main.ts', import.meta.url)),
      'codec-worker': fileURLToPath(new URL('../../repository/codec/codec-worker.ts', import.meta.url)),
    },
    platform: 'node',
    // What the sources read from node_modules at run time, written in (the VM has no node_modules).
    transform: { define: { __BUNDLED_MONGODB_DRIVER_VERSION__: JSON.stringify(createRequire(import.meta.url)('mongodb/package.json').version) } },
    external: (id) => id.startsWith('node:') || OPTIONAL_NATIVE.some((name) => id === name || id.startsWith(`${name}/`)),
    logLevel: 'warn',
    output: { dir: outDir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', minify: false },
  });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module", "private": true }\n');
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await buildAgentBundle();
  process.stdout.write(`Built the worker VM agent in ${dir}\n`);
}
