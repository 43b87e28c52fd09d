import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateScenario, parseScenario } from '../../azure-emulator/index.ts';
import { all, cosmosClient, startAzureEmulator } from './fixture.ts';

describe('scenarios', () => {
  it('rejects invalid scenario JSON with a message naming each bad field', async () => {
    expect(() => parseScenario({ cosmosAccounts: [{ subscriptionId: 's', resourceGroup: 'rg', name: 'X', location: 'westus', backup: { type: 'Continuous', tier: 'Continuous90Days' } }] })).toThrow(
      /cosmosAccounts\.0\.name[\s\S]*cosmosAccounts\.0\.backup\.tier/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'scenario-test-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ subscriptions: [{ subscriptionId: 's1' }], cosmosAccounts: [{ subscriptionId: 's1', resourceGroup: 'missing', name: 'abc', location: 'westus' }] }));
      await expect(startAzureEmulator({ scenario: file })).rejects.toThrow(/unknown resource group 'missing'/);
      await writeFile(file, '{ not json');
      await expect(startAzureEmulator({ scenario: file })).rejects.toThrow(/Cannot read scenario/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves a generated 1,000-account scenario through paged lists', async () => {
    const emulator = await startAzureEmulator({ scenario: generateScenario({ subscriptions: 3, accounts: 1000 }), throttling: false });
    try {
      const subs = [...emulator.state.subscriptions.values()].map((s) => s.subscriptionId);
      let total = 0;
      for (const sub of subs) total += (await all(cosmosClient(emulator, sub).databaseAccounts.list())).length;
      expect(total).toBe(1000);
      expect(emulator.callLog.count({ path: /databaseAccounts$/ })).toBeGreaterThanOrEqual(12); // 100 per page
      const apis = new Set(emulator.state.accounts.map((a) => a.api));
      expect([...apis].sort()).toEqual(['Cassandra', 'Gremlin', 'MongoDB', 'Sql', 'Table']);
    } finally {
      await emulator.stop();
    }
  });
});
