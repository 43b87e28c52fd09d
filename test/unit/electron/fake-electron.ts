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

export const fakeElectron = {
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: FakeMenuItem[]) => template },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
};
