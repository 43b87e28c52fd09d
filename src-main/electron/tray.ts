import { Menu, Tray, nativeImage } from 'electron';

export interface TrayActions {
  openConsole(): void;
  isSchedulingPaused(): boolean;
  setSchedulingPaused(paused: boolean): void;
  quit(): void;
}

/** The tray icon that keeps the app (and its schedules) reachable while no window is open. */
export function createAppTray(iconPath: string, actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  tray.setToolTip('Cosmos Backup');
  const rebuild = () => {
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open console', click: () => actions.openConsole() },
        {
          label: 'Pause scheduling',
          type: 'checkbox',
          checked: actions.isSchedulingPaused(),
          click: (item) => {
            actions.setSchedulingPaused(item.checked);
            rebuild();
          },
        },
        { type: 'separator' },
        { label: 'Quit Cosmos Backup', click: () => actions.quit() },
      ]),
    );
  };
  rebuild();
  tray.on('click', () => actions.openConsole());
  return tray;
}
