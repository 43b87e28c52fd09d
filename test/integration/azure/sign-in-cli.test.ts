import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { CLI_BIN, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { FAST } from './fixture.ts';

describe('cosmos-backup azure login --device-code (child process, real msal-node)', () => {
  let emulator: AzureEmulator;
  const dir = makeTempDir('cosmos-backup-device-code-cli-');
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, deviceCodeIntervalSeconds: 0.1, users: [{ userPrincipalName: 'ops@contoso.test' }] });
  });
  afterAll(async () => {
    await emulator?.stop();
    dir.remove();
  });

  it('prints where to enter the code on stderr, waits for approval, then signs in; later commands use the sign-in', async () => {
    const args = [
      '--data-dir', dir.path, 'azure', '--cloud-profile', 'emulator', 'login', '--device-code', '--tenant-id', emulator.tenantId,
      '--arm-endpoint', emulator.armEndpoint, '--authority-host', emulator.authorityHost, '--ca-file', emulator.caCertFile, '--arm-audience', 'https://management.azure.com',
    ];
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let approved = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const code = /enter the code (\S+)/.exec(stderr)?.[1];
      if (code && !approved) {
        approved = true;
        // The CLI is waiting (polling); the person approves from another device.
        setTimeout(() => emulator.deviceCodes.approve(code), 200);
      }
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toMatch(new RegExp(`open the page ${emulator.authorityHost}/devicelogin and enter the code [A-Z0-9]{9}`));
    expect(stdout).toContain('as ops@contoso.test (device-code)');

    const sync = await runCli(['--data-dir', dir.path, 'azure', '--cloud-profile', 'emulator', 'sync']);
    expect(sync.code, sync.stderr).toBe(0);
    const signIns = await runCli(['--data-dir', dir.path, '--json', 'azure', 'sign-ins']);
    expect(JSON.parse(signIns.stdout)).toMatchObject([{ cloudProfile: 'emulator', kind: 'device-code', accountName: 'ops@contoso.test' }]);
  });
});
