/// <reference types="vite/client" />
import type { PreloadApi } from '../../src-main/shared/preload-api.ts';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Present only inside Electron, where the preload exposes the IPC contract. */
    cosmosBackup?: PreloadApi;
  }
}
