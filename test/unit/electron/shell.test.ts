import { describe, expect, it, vi } from 'vitest';
import type { EventEmitter } from 'node:events';
import type { FakeBrowserWindow} from './fake-electron.ts';
import { fakeElectron, FakeTray, FakeWebContents } from './fake-electron.ts';

vi.mock('electron', () => fakeElectron);

const { createConsoleWindow } = await import('../../../src-main/electron/window.ts');
const { createAppTray } = await import('../../../src-main/electron/tray.ts');
const { hardenWebContents, makeTrustedUrlCheck } = await import('../../../src-main/electron/security.ts');
const { isTrustedSender } = await import('../../../src-main/electron/ipc-bridge.ts');

const CONSOLE_URL = 'file:///opt/cosmos-backup/out/renderer/index.html';
const trusted = makeTrustedUrlCheck(CONSOLE_URL, undefined);

describe('console window', () => {
  it('is sandboxed and isolated with no Node in the page', () => {
    const window = createConsoleWindow({ preloadPath: '/p/index.cjs', url: CONSOLE_URL, shouldReallyClose: () => false }) as unknown as FakeBrowserWindow;
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/p/index.cjs' });
    expect(window.loadedUrl).toBe(CONSOLE_URL);
  });

  it('hides to the tray on close unless the app is quitting', () => {
    let quitting = false;
    const window = createConsoleWindow({ preloadPath: '/p', url: CONSOLE_URL, shouldReallyClose: () => quitting }) as unknown as FakeBrowserWindow;
    const closeEvent = { prevented: false, preventDefault() { this.prevented = true; } };
    window.emit('close', closeEvent);
    expect(closeEvent.prevented).toBe(true);
    expect(window.hidden).toBe(true);
    quitting = true;
    const second = { prevented: false, preventDefault() { this.prevented = true; } };
    window.emit('close', second);
    expect(second.prevented).toBe(false);
  });
});

describe('navigation hardening', () => {
  function navigate(contents: FakeWebContents, eventName: string, url: string): boolean {
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit(eventName, event, url);
    return event.prevented;
  }

  it('blocks navigation and redirects away from the console, new windows and webviews', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, trusted);
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', `${CONSOLE_URL}#/sessions`)).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const webview = { prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
  });
});

describe('IPC sender check', () => {
  const console_ = new FakeWebContents();
  const frame = (url: string, parent: unknown = null) => ({ url, parent });

  it('accepts only the console main frame at the console URL', () => {
    expect(isTrustedSender({ sender: console_, senderFrame: frame(CONSOLE_URL) } as never, console_ as never, trusted)).toBe(true);
    expect(isTrustedSender({ sender: new FakeWebContents(), senderFrame: frame(CONSOLE_URL) } as never, console_ as never, trusted)).toBe(false);
    expect(isTrustedSender({ sender: console_, senderFrame: frame(CONSOLE_URL, {}) } as never, console_ as never, trusted)).toBe(false);
    expect(isTrustedSender({ sender: console_, senderFrame: frame('https://evil.example/') } as never, console_ as never, trusted)).toBe(false);
    expect(isTrustedSender({ sender: console_, senderFrame: frame(CONSOLE_URL) } as never, null, trusted)).toBe(false);
  });
});

describe('tray', () => {
  it('opens the console, toggles scheduling and quits', () => {
    let paused = false;
    const actions = { openConsole: vi.fn(), quit: vi.fn(), isSchedulingPaused: () => paused, setSchedulingPaused: vi.fn((p: boolean) => (paused = p)) };
    createAppTray('/icon.png', actions);
    const tray = FakeTray.last!;
    const item = (label: string) => tray.menu.find((m) => m.label === label)!;
    item('Open console').click!({ checked: false });
    expect(actions.openConsole).toHaveBeenCalledTimes(1);
    item('Pause scheduling').click!({ checked: true });
    expect(actions.setSchedulingPaused).toHaveBeenCalledWith(true);
    expect(item('Pause scheduling').checked).toBe(true);
    item('Quit Cosmos Backup').click!({ checked: false });
    expect(actions.quit).toHaveBeenCalled();
    (tray as EventEmitter).emit('click');
    expect(actions.openConsole).toHaveBeenCalledTimes(2);
  });
});
