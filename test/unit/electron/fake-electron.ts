import { EventEmitter } from 'node:events';

/**
 * A recording stand-in for the parts of Electron the shell uses (the binary cannot run here).
 * It records what the shell asked for, so tests can check window options, handlers and menus.
 */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: unknown) => { action: string }) | null = null;
  sent: unknown[][] = [];
  destroyed = false;
  setWindowOpenHandler(handler: (details: unknown) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class FakeIpcMain {
  handlers = new Map<string, (...args: unknown[]) => unknown>();
  handle(channel: string, handler: (...args: unknown[]) => unknown) {
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

export class FakeApp extends EventEmitter {
  lock = true;
  quitCalls = 0;
  exitCode: number | null = null;
  userData = '';
  requestSingleInstanceLock() {
    return this.lock;
  }
  whenReady() {
    return Promise.resolve();
  }
  getPath(_name: string) {
    return this.userData;
  }
  quit() {
    this.quitCalls++;
  }
  exit(code: number) {
    this.exitCode = code;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  loadedUrl = '';
  hidden = false;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  hide() {
    this.hidden = true;
  }
  show() {
    this.hidden = false;
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
}

export interface FakeMenuItem {
  label?: string;
  type?: string;
  checked?: boolean;
  click?: (item: { checked: boolean }) => void;
}

export class FakeTray extends EventEmitter {
  static last: FakeTray | null = null;
  menu: FakeMenuItem[] = [];
  tooltip = '';
  constructor() {
    super();
    FakeTray.last = this;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenuItem[]) {
    this.menu = menu;
  }
}

/** Electron's powerMonitor: tests emit `resume` to stand for the machine waking up. */
class FakePowerMonitor {
  readonly listeners = new Map<string, (() => void)[]>();
  on(event: string, listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string) {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
}

/** Electron's Notification: every one shown is recorded. */
export class FakeNotification extends EventEmitter {
  static shown: { title: string; body: string; urgency?: string }[] = [];
  static isSupported() {
    return true;
  }
  private readonly options: { title: string; body: string; urgency?: string };
  constructor(options: { title: string; body: string; urgency?: string }) {
    super();
    this.options = options;
  }
  show() {
    FakeNotification.shown.push(this.options);
  }
}

export const fakeApp = new FakeApp();
export const fakePowerMonitor = new FakePowerMonitor();
export const fakeIpcMain = new FakeIpcMain();
export const errorBoxes: string[][] = [];

export const fakeElectron = {
  app: fakeApp,
  ipcMain: fakeIpcMain,
  powerMonitor: fakePowerMonitor,
  Notification: FakeNotification,
  dialog: { showErrorBox: (title: string, message: string) => errorBoxes.push([title, message]) },
  session: { defaultSession: { setPermissionRequestHandler: () => undefined, webRequest: { onHeadersReceived: () => undefined } } },
  // A reversible stand-in for the OS keychain wrapping.
  safeStorage: {
    isEncryptionAvailable: () => true,
    encryptString: (text: string) => Buffer.from(text, 'utf8').reverse(),
    decryptString: (data: Buffer) => Buffer.from(data).reverse().toString('utf8'),
  },
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: FakeMenuItem[]) => template },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
};
