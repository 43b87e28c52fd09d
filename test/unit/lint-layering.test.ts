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

  it('lets the renderer import only the shared contract from src-main', async () => {
    expect(await restrictedImports('src-renderer/src/probe.ts', "import { channels } from '../../src-main/shared/contract.ts';\nexport const x = channels;\n")).toEqual([]);
    expect(await restrictedImports('src-renderer/src/probe.ts', "import { AppCore } from '../../src-main/core/app-core.ts';\nexport const x = AppCore;\n")).toHaveLength(1);
    expect(await restrictedImports('src-renderer/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
  });
});
