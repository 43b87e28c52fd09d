import packageJson from '../../package.json' with { type: 'json' };

/** The app's version, from package.json (bundled into the Electron build, read directly by Node). */
export const APP_VERSION: string = packageJson.version;
