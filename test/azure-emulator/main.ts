/**
 * Standalone emulator: `npm run emulator [-- --scenario file.json]`. Prints one JSON line with
 * the endpoints and credentials, then serves until SIGINT/SIGTERM.
 */
import { startAzureEmulator } from './emulator.ts';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scenario = argValue('--scenario') ?? new URL('./scenarios/default.json', import.meta.url).pathname;
const emulator = await startAzureEmulator({ scenario, throttling: !process.argv.includes('--no-throttling') });
const { armEndpoint, authorityHost, caCertFile, tenantId, clientId, clientSecret } = emulator;
process.stdout.write(`${JSON.stringify({ armEndpoint, authorityHost, caCertFile, tenantId, clientId, clientSecret })}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
