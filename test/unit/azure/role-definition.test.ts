import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionFor, customRoleDefinition, ROLE_ACTIONS } from '../../../src-main/azure/role-definition.ts';

const SUB = '/subscriptions/00000000-1111-4222-8333-444444444444';
const ACCOUNT = `${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acct`;

describe('least-privilege role', () => {
  it('maps each kind of call the app makes to one listed action', () => {
    const calls: [string, string, string][] = [
      ['GET', '/subscriptions', 'Microsoft.Resources/subscriptions/read'],
      ['GET', `${SUB}/providers/Microsoft.DocumentDB/databaseAccounts`, 'Microsoft.DocumentDB/databaseAccounts/read'],
      ['PATCH', ACCOUNT, 'Microsoft.DocumentDB/databaseAccounts/write'],
      ['PUT', ACCOUNT, 'Microsoft.DocumentDB/databaseAccounts/write'],
      ['GET', `${SUB}/providers/Microsoft.DocumentDB/locations/westus/restorableDatabaseAccounts/abc/restorableSqlResources`, 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/restorableSqlResources/read'],
      ['GET', `${SUB}/providers/Microsoft.DocumentDB/locations/westus/operationsStatus/op`, 'Microsoft.DocumentDB/locations/operationsStatus/read'],
      ['PUT', `${ACCOUNT}/sqlDatabases/db/containers/c`, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/write'],
      ['PUT', `${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/pg`, 'Microsoft.DBforPostgreSQL/serverGroupsv2/write'],
    ];
    for (const [method, path, action] of calls) {
      expect(actionFor(method, path)).toBe(action);
      expect(ROLE_ACTIONS).toContain(action);
    }
  });

  it('refuses calls the app should never make (no delete of data services, no keys)', () => {
    expect(actionFor('DELETE', ACCOUNT)).toBeNull();
    expect(actionFor('POST', `${ACCOUNT}/listKeys`)).toBeNull();
    expect(actionFor('DELETE', `${SUB}/resourcegroups/rg-prod`)).toBeNull();
    // Deletes only of what workers create: VMs, their disks and NICs, the auto network.
    expect(ROLE_ACTIONS.filter((a) => a.endsWith('/delete')).every((a) => /^Microsoft\.(Compute|Network|DevTestLab)\/|resourceGroups\/delete$/.test(a))).toBe(true);
    expect(ROLE_ACTIONS.some((a) => a.startsWith('Microsoft.DocumentDB') && a.endsWith('/delete'))).toBe(false);
    expect(ROLE_ACTIONS.some((a) => a.includes('listKeys') || a.includes('*'))).toBe(false);
  });

  it('maps the calls of workers on Azure VMs', () => {
    const VM = `${SUB}/resourceGroups/cosmos-backup-workers-westeurope/providers/Microsoft.Compute/virtualMachines/cbw-1`;
    expect(actionFor('PUT', `${VM}/runCommands/cosmos-backup-agent`)).toBe('Microsoft.Compute/virtualMachines/runCommands/write');
    expect(actionFor('DELETE', VM)).toBe('Microsoft.Compute/virtualMachines/delete');
    expect(actionFor('PUT', `${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/workers`)).toBe('Microsoft.Network/virtualNetworks/subnets/write');
    expect(ROLE_ACTIONS).toContain('Microsoft.Network/virtualNetworks/subnets/join/action');
  });

  it('is documented action by action in docs/permissions.md', () => {
    const doc = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
    const listed = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...ROLE_ACTIONS]);
  });

  it('prints a custom role with exactly those actions and the restore action', () => {
    const role = customRoleDefinition([SUB]);
    expect(role.Actions).toEqual(ROLE_ACTIONS);
    expect(role.Actions).toContain('Microsoft.DocumentDB/locations/restorableDatabaseAccounts/restore/action');
    expect(role.AssignableScopes).toEqual([SUB]);
  });
});
