// The sandboxed preload: exposes exactly two named functions on window.cosmosBackup and nothing of
// ipcRenderer itself. Built as CommonJS because sandboxed preloads cannot load ES modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, PRELOAD_GLOBAL, type PreloadApi } from '../shared/preload-api.ts';

const api: PreloadApi = {
  invoke: (channel: string, payload: unknown) => ipcRenderer.invoke(IPC_INVOKE, String(channel), payload),
  onEvent: (listener: (event: string, payload: unknown) => void) => {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);
