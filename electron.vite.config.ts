import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

/** Builds the Electron main process, the sandboxed preload (CommonJS) and the Vue renderer. */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          // Started with `new Worker(path)`, so it must be a file of its own (see BlobCodecPool).
          // The worker agent is not built here: local jobs run the self-contained bundle worker
          // VMs run (src-main/worker/agent-bundle/build-agent-bundle.ts, `npm run build`).
          'codec-worker': resolve('src-main/repository/codec/codec-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src-main/electron/preload.ts') },
        // A sandboxed preload cannot load ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [vue()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
