// One repository operation in its own process, for the reliability suite's kill -9 trials.
// Usage: node operation-child.ts <operation> <repository> <password> [arguments]   ($FAULTS_AZURE_KEY for Azurite)
//   backup <seed> <bytes>               back up generatedDump(seed, bytes) as entry "dump" of resource <seed>
//   prune                               delete and repack what no restore point uses
//   copy <target repository> <id>       copy restore point <id> into the target repository
//   restore <id> <directory>            restore restore point <id> into <directory>
// Prints one JSON line when it has finished: {"done": true, ...result}.
import { openRepository } from '../../../src-main/repository/index.ts';
import { generatedDump } from '../../helpers/generated-dump.ts';

const [operation, location, password, ...args] = process.argv.slice(2);
// An Azure Blob repository (Azurite) takes its account key from the environment, never from argv.
const credentials = process.env.FAULTS_AZURE_KEY ? { kind: 'sharedKey' as const, accountKey: process.env.FAULTS_AZURE_KEY } : undefined;
// Short lock refreshes so a killed writer's lock looks like a real one; a dead pid on this host is stale at once.
const repository = await openRepository(location!, { password, credentials, lockTiming: { refreshIntervalMs: 200, staleAfterMs: 30_000 } });
let result: unknown;
switch (operation) {
  case 'backup': {
    const [seed, bytes] = args;
    const backup = await repository.backup(
      { resource: { id: `resource-${seed}`, name: `resource-${seed}`, kind: 'test' }, engine: { name: 'test', versions: {} } },
      [{ name: 'dump', data: generatedDump(seed!, Number(bytes)) }],
    );
    result = { restorePointId: backup.restorePointId };
    break;
  }
  case 'prune':
    result = { packsDeleted: (await repository.prune({ repackThreshold: 0.01 })).packsToDelete.length };
    break;
  case 'copy': {
    const [targetLocation, restorePointId] = args;
    const target = await openRepository(targetLocation!, { password, lockTiming: { refreshIntervalMs: 200, staleAfterMs: 30_000 } });
    result = await repository.copyRestorePoint(restorePointId!, target);
    break;
  }
  case 'restore': {
    const [restorePointId, directory] = args;
    result = await repository.restoreToDirectory(restorePointId!, directory!);
    break;
  }
  default:
    throw new Error(`unknown operation ${operation}`);
}
process.stdout.write(`${JSON.stringify({ done: true, result })}\n`);
