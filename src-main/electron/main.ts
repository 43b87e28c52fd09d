// Electron main process entry: the desktop shell around the core. Everything it does beyond
// windows, tray and IPC is the core's job.
import type { BrowserWindow } from 'electron';
import { app, dialog, ipcMain, powerMonitor, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppCore } from '../app/app-core.ts';
import { toErrorPayload } from '../shared/errors.ts';
import { hardenApp, makeTrustedUrlCheck } from './security.ts';
import { serveIpc } from './ipc-bridge.ts';
import { createConsoleWindow } from './window.ts';
import { createAppTray } from './tray.ts';
import { watchSessionsForAlerts } from './notifications.ts';
import { SafeStorageKeyProvider } from './safe-storage-key-provider.ts';
import { EncryptedFileSecretStore } from '../core/secrets/encrypted-file-secret-store.ts';
import { useCodecWorkerEntry } from '../repository/index.ts';
import { useAgentEntry } from '../worker/local-launcher.ts';

// Paths from the project root: both the bundle (out/main) and the source (src-main/electron) sit two levels below it.
const preloadPath = fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url));
const rendererFile = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));
const iconPath = fileURLToPath(new URL('../../resources/icon.png', import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
// The repository's codec worker threads run the bundled entry (electron.vite.config.ts).
useCodecWorkerEntry(new URL('../../out/main/codec-worker.js', import.meta.url));
// Backups and restores run in the worker agent, a child process of its own: the self-contained
// bundle worker VMs run too (`npm start` and `npm run build` build it; agent-entry.ts).
useAgentEntry(fileURLToPath(new URL('../../out/worker-vm/worker-agent.js', import.meta.url)));
const consoleUrl = devServerUrl ?? pathToFileURL(rendererFile).href;
const isTrustedUrl = makeTrustedUrlCheck(pathToFileURL(rendererFile).href, devServerUrl);

/** Starts the desktop app: one instance, the core on the user's data folder, the console window and the tray. */
export async function startDesktopApp(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  hardenApp(app, session.defaultSession, isTrustedUrl);

  let core: AppCore;
  try {
    const dataDir = app.getPath('userData');
    const secrets = new EncryptedFileSecretStore(join(dataDir, 'secrets.enc'), new SafeStorageKeyProvider(join(dataDir, 'secret.key.safe'), safeStorage));
    core = AppCore.open({ dataDir, secrets });
  } catch (error) {
    dialog.showErrorBox('Cosmos Backup cannot start', toErrorPayload(error).message);
    app.exit(1);
    return;
  }

  core.startScheduling();
  // Runs missed while the machine slept become one catch-up run per policy, now rather than at the next tick.
  powerMonitor.on('resume', () => {
    core.policyScheduler.wake();
    core.sweepWorkers('after resume');
  });
  let quitting = false;
  let window: BrowserWindow | null = null;
  const openConsole = () => {
    if (!window || window.isDestroyed()) {
      window = createConsoleWindow({ preloadPath, url: consoleUrl, iconPath, shouldReallyClose: () => quitting });
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const stopIpc = serveIpc(ipcMain, core, () => (window && !window.isDestroyed() ? window.webContents : null), isTrustedUrl);
  const tray = createAppTray(iconPath, {
    openConsole,
    isSchedulingPaused: () => core.settings.get('schedulingPaused'),
    setSchedulingPaused: (paused) => core.settings.set('schedulingPaused', paused, core.clock.now().toISOString()),
    quit: () => {
      quitting = true;
      app.quit();
    },
  });
  const stopAlerts = watchSessionsForAlerts(core, tray, openConsole);
  app.on('second-instance', openConsole);
  // The app lives in the tray: closing the last window must not quit it, or schedules would stop.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    quitting = true;
    if (core.db.open) {
      event.preventDefault();
      stopIpc();
      stopAlerts();
      void core.close().finally(() => app.quit());
    }
  });
  openConsole();
}

void startDesktopApp();
