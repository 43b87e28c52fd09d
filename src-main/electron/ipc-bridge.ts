import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { randomUUID } from 'node:crypto';
import { IPC_EVENT, IPC_INVOKE } from '../shared/preload-api.ts';
import type { EventName } from '../shared/contract.ts';
import type { InvokeResult } from '../shared/contract.ts';
import type { AppCore } from '../app/app-core.ts';
import { dispatch } from '../core/api/dispatcher.ts';
import type { ConnectedClient } from '../core/api/client.ts';

/**
 * Serves the IPC contract to the console window over Electron IPC. Only the console's own main
 * frame may call: a call from any other sender or frame is refused before it reaches the core.
 */
export function serveIpc(ipcMain: IpcMain, core: AppCore, getConsole: () => WebContents | null, isTrustedUrl: (url: string) => boolean): () => void {
  const client: ConnectedClient = {
    id: randomUUID(),
    transport: 'ipc',
    send: (event: EventName, payload: unknown) => {
      const contents = getConsole();
      if (contents && !contents.isDestroyed()) contents.send(IPC_EVENT, event, payload);
    },
    isBacklogged: () => false,
  };
  const unsubscribe = core.sessions.subscribe((event) => {
    if (event.type === 'updated') client.send('session.updated', event.session);
  });
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, channel: unknown, payload: unknown): Promise<InvokeResult> => {
    if (!isTrustedSender(event, getConsole(), isTrustedUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'IPC calls are accepted only from the console window.' } };
    }
    return dispatch(core.handlers, channel, payload, client);
  });
  return () => {
    unsubscribe();
    core.logWatch.forget(client);
    ipcMain.removeHandler(IPC_INVOKE);
  };
}

/** The sender must be the console's web contents, its main frame, at the console's own URL. */
export function isTrustedSender(event: IpcMainInvokeEvent, console: WebContents | null, isTrustedUrl: (url: string) => boolean): boolean {
  if (!console || event.sender !== console) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isTrustedUrl(frame.url);
}
