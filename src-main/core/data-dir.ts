import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../shared/errors.ts';

/**
 * Where the app keeps its data when nobody says otherwise: the Electron shell passes its `userData`
 * folder; headless runs use `$XDG_DATA_HOME/cosmos-backup` (or the platform's equivalent).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.COSMOS_BACKUP_DATA_DIR) return env.COSMOS_BACKUP_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'cosmos-backup');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'cosmos-backup');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'cosmos-backup');
}

/** Creates the data folder if needed and proves it is writable, with an error that says what to do. */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EROFS'
          ? 'it is on a read-only file system'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (error as Error).message;
    throw new AppError('data_dir_unusable', `Cannot use the data folder ${dir}: ${reason}. Free space, fix its permissions, or pass another --data-dir.`, { code });
  }
}
