import { BrowserWindow } from 'electron';

export interface ConsoleWindowOptions {
  preloadPath: string;
  /** file:// URL of the built console, or the dev server URL. */
  url: string;
  iconPath?: string;
  /** Asked when the user closes the window: true lets it close, false hides it to the tray. */
  shouldReallyClose: () => boolean;
}

/** The console window: sandboxed, isolated, no Node in the page; closing it hides it to the tray. */
export function createConsoleWindow(options: ConsoleWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Cosmos Backup',
    icon: options.iconPath,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (!options.shouldReallyClose()) {
      event.preventDefault();
      window.hide();
    }
  });
  void window.loadURL(options.url);
  return window;
}
