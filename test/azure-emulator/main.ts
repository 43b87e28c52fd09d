/**
 * Standalone emulator: `npm run emulator [-- --scenario file.json]`. Prints one JSON line with
 * every setting a client needs (endpoints, token audience, CA file, credentials), then the same as
 * environment variables for `cosmos-backup`, and serves until SIGINT/SIGTERM.
 */
import { startAzureEmulator } from './emulator.ts';
import { emulatorClientSettings } from './client-settings.ts';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scenario = argValue('--scenario') ?? new URL('./scenarios/default.json', import.meta.url).pathname;
const emulator = await startAzureEmulator({ scenario, throttling: !process.argv.includes('--no-throttling') });
const settings = emulatorClientSettings(emulator);
process.stdout.write(`${JSON.stringify(settings.json)}\n`);
process.stdout.write(`# For cosmos-backup (a shell that sources these lines signs in as the emulator's service principal):\n${settings.shellLines.join('\n')}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
