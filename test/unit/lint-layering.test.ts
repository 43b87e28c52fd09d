import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `path` and returns the restricted-import messages. */
async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint enforces the layering', () => {
  it('keeps electron out of the core, the CLI and the repository engine', async () => {
    for (const path of ['src-main/core/probe.ts', 'src-main/cli/probe.ts', 'src-main/repository/probe.ts']) {
      expect(await restrictedImports(path, "import { app } from 'electron';\nexport const x = app;\n"), path).toHaveLength(1);
    }
    expect(await restrictedImports('src-main/electron/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
  });

  it('keeps SQLite and the config DB out of the repository engine', async () => {
    expect(await restrictedImports('src-main/repository/probe.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n")).toHaveLength(1);
    expect(await restrictedImports('src-main/repository/probe.ts', "import { openConfigDatabase } from '../core/config-db/open-database.ts';\nexport const x = openConfigDatabase;\n")).toHaveLength(1);
  });

  it('keeps each src-main layer to the layers below it', async () => {
    const probe = (path: string, from: string) => restrictedImports(path, `import { x } from '${from}';\nexport const y = x;\n`);
    // Engines import neither the worker nor the core.
    expect(await probe('src-main/engines/postgres/probe.ts', '../../worker/protocol.ts')).toHaveLength(1);
    expect(await probe('src-main/engines/probe.ts', '../core/clock.ts')).toHaveLength(1);
    // The worker agent does not import the core.
    expect(await probe('src-main/worker/probe.ts', '../core/jobs/worker-jobs.ts')).toHaveLength(1);
    // The core imports neither Azure, the CLI nor the composition root.
    expect(await probe('src-main/core/jobs/probe.ts', '../../azure/azure-service.ts')).toHaveLength(1);
    expect(await probe('src-main/core/probe.ts', '../cli/main.ts')).toHaveLength(1);
    expect(await probe('src-main/core/api/probe.ts', '../../app/app-core.ts')).toHaveLength(1);
    // Azure does not import the composition root; the shared contract imports no other layer.
    expect(await probe('src-main/azure/probe.ts', '../app/app-core.ts')).toHaveLength(1);
    expect(await probe('src-main/shared/probe.ts', '../core/clock.ts')).toHaveLength(1);
    // Allowed directions stay allowed.
    expect(await probe('src-main/core/jobs/probe.ts', '../../worker/protocol.ts')).toEqual([]);
    expect(await probe('src-main/worker/probe.ts', '../engines/registry.ts')).toEqual([]);
    expect(await probe('src-main/app/probe.ts', '../azure/azure-service.ts')).toEqual([]);
    expect(await probe('src-main/cli/probe.ts', '../app/app-core.ts')).toEqual([]);
  });

  it('lets the renderer import only the shared contract from src-main', async () => {
    expect(await restrictedImports('src-renderer/src/probe.ts', "import { channels } from '../../src-main/shared/contract.ts';\nexport const x = channels;\n")).toEqual([]);
    expect(await restrictedImports('src-renderer/src/probe.ts', "import { AppCore } from '../../src-main/app/app-core.ts';\nexport const x = AppCore;\n")).toHaveLength(1);
    expect(await restrictedImports('src-renderer/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
  });
});
