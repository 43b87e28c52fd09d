// A backup in its own process, for crash (SIGKILL) and concurrency tests.
// Usage: node backup-child.ts <repository folder> <password> <seed> <megabytes>
// Prints one JSON line per completed pack upload ({"progress": bytes}) and a final
// {"restorePointId", "sha256", "adoptedPacks", "uploadedBytes"} line.
import { createHash } from 'node:crypto';
import { openRepository } from '../../../../src-main/repository/index.ts';
import { generatedDump } from '../../../helpers/generated-dump.ts';

const [folder, password, seed, megabytes] = process.argv.slice(2);
const size = Number(megabytes) * 1024 * 1024;
const digest = createHash('sha256');

const repository = await openRepository(folder!, { password, lockTiming: { refreshIntervalMs: 200, staleAfterMs: 30_000 } });
let reported = 0;
const result = await repository.backup(
  { resource: { id: `resource-${seed}`, name: `resource-${seed}`, kind: 'test' }, engine: { name: 'test', versions: {} } },
  [{ name: 'dump', data: generatedDump(seed!, size, (piece) => digest.update(piece)) }],
  {
    onProgress: ({ done }) => {
      if (done - reported >= 256 * 1024) {
        reported = done;
        process.stdout.write(`${JSON.stringify({ progress: done })}\n`);
      }
    },
  },
);
process.stdout.write(
  `${JSON.stringify({ restorePointId: result.restorePointId, sha256: digest.digest('hex'), adoptedPacks: result.stats.adoptedPacks, uploadedBytes: result.stats.uploadedBytes })}\n`,
);
