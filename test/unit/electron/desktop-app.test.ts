import { afterAll, describe, expect, it, vi } from 'vitest';
import { errorBoxes, fakeApp, fakeElectron, fakeIpcMain, FakeBrowserWindow, FakeNotification, FakeTray, FakeWebContents } from './fake-electron.ts';
import { IPC_EVENT, IPC_INVOKE } from '../../../src-main/shared/preload-api.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

vi.mock('electron', () => fakeElectron);

const dir = makeTempDir();
afterAll(() => dir.remove());

async function loadMain() {
  vi.resetModules();
  const module = await import('../../../src-main/electron/main.ts');
  await new Promise((r) => setTimeout(r, 50));
  return module;
}

describe('desktop app start-up', () => {
  it('quits when another instance already runs', async () => {
    fakeApp.lock = false;
    const before = FakeBrowserWindow.created.length;
    await loadMain();
    expect(fakeApp.quitCalls).toBe(1);
    expect(FakeBrowserWindow.created.length).toBe(before);
  });

  it('reports a damaged config DB in a dialog and exits without touching it', async () => {
    fakeApp.lock = true;
    fakeApp.userData = join(dir.path, 'damaged');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(fakeApp.userData);
    writeFileSync(join(fakeApp.userData, 'config.db'), 'garbage'.repeat(1000));
    await loadMain();
    expect(errorBoxes.at(-1)?.[1]).toMatch(/damaged/);
    expect(fakeApp.exitCode).toBe(1);
  });

  it('opens the console, serves IPC only to it, and stays in the tray when the window closes', async () => {
    fakeApp.lock = true;
    fakeApp.exitCode = null;
    fakeApp.userData = join(dir.path, 'user-data');
    await loadMain();
    const window = FakeBrowserWindow.created.at(-1)!;
    expect(window.loadedUrl).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html$/);
    expect(FakeTray.last?.menu.map((m) => m.label)).toContain('Open console');

    const handler = fakeIpcMain.handlers.get(IPC_INVOKE)!;
    const trusted = { sender: window.webContents, senderFrame: { url: window.loadedUrl, parent: null } };
    expect(await handler(trusted, 'app.info', {})).toMatchObject({ ok: true, value: { transport: 'ipc', dataDir: fakeApp.userData } });
    const stranger = { sender: new FakeWebContents(), senderFrame: { url: window.loadedUrl, parent: null } };
    expect(await handler(stranger, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handler(trusted, 'sessions.get', { id: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    // Events reach the console window.
    const started = (await handler(trusted, 'checks.environment', {})) as { ok: true; value: { id: string } };
    await new Promise((r) => setTimeout(r, 200));
    expect(window.webContents.sent.some(([channel, event, payload]) => channel === IPC_EVENT && event === 'session.updated' && (payload as { id: string }).id === started.value.id)).toBe(true);

    // Scheduled work that ends with warnings is a desktop notification, and the tray's tooltip says so.
    const add = (await handler(trusted, 'repositories.add', { name: 'nightly', location: join(fakeApp.userData, 'repo'), password: 'pw-for-alerts', create: true })) as { ok: true; value: { id: string } };
    expect(add.ok).toBe(true);
    // The add session catalogs the repository, then remembers its password: wait for both.
    for (let i = 0; i < 100; i++) {
      const list = (await handler(trusted, 'repositories.list', {})) as { ok: true; value: { id: string; passwordRemembered?: boolean }[] };
      if (list.value[0]?.passwordRemembered) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const repositoryId = ((await handler(trusted, 'repositories.list', {})) as { ok: true; value: { id: string }[] }).value[0]!.id;
    const saved = (await handler(trusted, 'policies.save', { policy: { name: 'Nightly', scope: { include: { all: true } }, repositoryBackup: { repositoryId, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } } } })) as { ok: true; value: { id: string } };
    expect(saved.ok).toBe(true);
    const run = (await handler(trusted, 'policies.run', { id: saved.value.id })) as { ok: true; value: { id: string } };
    expect(run.ok).toBe(true);
    for (let i = 0; i < 50 && !FakeNotification.shown.length; i++) await new Promise((r) => setTimeout(r, 100));
    // Nothing of the inventory is in scope yet: the run ends with a warning that says so.
    expect(FakeNotification.shown).toEqual([{ title: 'Finished with warnings: Policy "Nightly" (run now)', body: 'No resource in scope.', urgency: 'normal' }]);
    expect(FakeTray.last!.tooltip).toBe('Cosmos Backup — 1 scheduled session with warnings in the last 24 h');

    // Closing the last window keeps the app (and its schedules) running.
    const quitsBefore = fakeApp.quitCalls;
    const close = { prevented: false, preventDefault() { this.prevented = true; } };
    window.emit('close', close);
    fakeApp.emit('window-all-closed');
    expect(close.prevented).toBe(true);
    expect(fakeApp.quitCalls).toBe(quitsBefore);

    // A second launch brings the window back.
    fakeApp.emit('second-instance');
    expect(window.hidden).toBe(false);

    // Quit from the tray closes the core before the app goes.
    FakeTray.last!.menu.find((m) => m.label === 'Quit Cosmos Backup')!.click!({ checked: false });
    const beforeQuit = { prevented: false, preventDefault() { this.prevented = true; } };
    fakeApp.emit('before-quit', beforeQuit);
    expect(beforeQuit.prevented).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(fakeApp.quitCalls).toBeGreaterThan(quitsBefore);
    expect(fakeIpcMain.handlers.has(IPC_INVOKE)).toBe(false);
  });
});
