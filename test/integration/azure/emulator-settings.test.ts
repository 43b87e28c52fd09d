import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const EMULATOR_MAIN = fileURLToPath(new URL('../../azure-emulator/main.ts', import.meta.url));

describe('npm run emulator', () => {
  const dir = makeTempDir('cosmos-backup-emulator-settings-');
  const child = spawn(process.execPath, [EMULATOR_MAIN], { stdio: ['ignore', 'pipe', 'inherit'] });
  afterAll(() => {
    child.kill('SIGTERM');
    dir.remove();
  });

  it('prints every setting a client needs: exporting exactly those lines is enough for a sync', async () => {
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no settings printed: ${lines.join('\n')}`)), 30_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (lines.filter((l) => l.startsWith('export ')).length === 7) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const json = JSON.parse(lines[0]!) as Record<string, string>;
    expect(Object.keys(json).sort()).toEqual(['armAudience', 'armEndpoint', 'authorityHost', 'caCertFile', 'clientId', 'clientSecret', 'tenantId']);
    // The environment a user would get by sourcing the printed lines, and nothing else of Azure's.
    const env: Record<string, string> = {};
    for (const line of lines.filter((l) => l.startsWith('export '))) {
      const match = /^export ([A-Z_]+)='(.*)'$/.exec(line)!;
      env[match[1]!] = match[2]!;
    }
    expect(env.COSMOS_BACKUP_ARM_AUDIENCE).toBe('https://management.azure.com');
    const sync = await runCli(['--data-dir', dir.path, '--json', 'azure', 'sync'], { env });
    expect(sync.code, sync.stderr + sync.stdout).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ kind: 'sync', status: 'succeeded' });
  });
});
