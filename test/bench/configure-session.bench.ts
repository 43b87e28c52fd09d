// Benchmark: a configuration session (tier enforcement, periodic migrations, then the catalog sync
// with restore-point records) over 1,000 Cosmos DB accounts in 3 subscriptions, against the Azure
// emulator with ARM's throttling on (reads 25/s burst 250, writes 10/s burst 200 per subscription).
// Baseline: the throttling floor computed from the emulator's call log — for every bucket
// (principal × subscription × reads|writes), the calls beyond the burst divided by the refill
// rate; the floor is the largest. Target: wall time ≤ 1.25× the floor, zero failed calls.
// Run: npm run bench:configure
import { ArmClients } from '../../src-main/azure/arm-clients.ts';
import { customCloud } from '../../src-main/azure/cloud-profiles.ts';
import { createServicePrincipalCredential } from '../../src-main/azure/service-principal-credential.ts';
import type { AzureConnection } from '../../src-main/azure/sign-in/azure-connector.ts';
import { AppCore } from '../../src-main/app/app-core.ts';
import { MemorySecretStore } from '../../src-main/core/secrets/secret-store.ts';
import { generateScenario, startAzureEmulator } from '../azure-emulator/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const READS = { capacity: 250, refillPerSecond: 25 };
const WRITES = { capacity: 200, refillPerSecond: 10 };

const emulator = await startAzureEmulator({
  scenario: generateScenario({ subscriptions: 3, accounts: 1000 }),
  throttling: { enabled: true, reads: READS, writes: WRITES },
  retryAfterSeconds: 1,
  durations: { accountUpdate: 500, backupMigration: 2000 },
});
const dir = makeTempDir('cosmos-backup-bench-');
const profile = customCloud({ name: 'emulator', armEndpoint: emulator.armEndpoint, authorityHost: emulator.authorityHost, caCertFile: emulator.caCertFile, armAudience: 'https://management.azure.com' });
const connection: AzureConnection = {
  profile,
  tenantId: emulator.tenantId,
  clientId: emulator.clientId,
  source: 'environment',
  signInId: null,
  arm: new ArmClients(profile, createServicePrincipalCredential(profile, { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecret: emulator.clientSecret })),
};
const core = AppCore.open({ dataDir: dir.path, secrets: new MemorySecretStore(), azureConnector: { connect: async () => connection }, azureTuning: { migrationPollMs: 1000 } });
core.policies.save({ name: 'all-30-days', scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous30Days', migratePeriodicAccounts: true } });

// Warm the token cache so sign-in is not timed.
await connection.arm.credential.getToken(`${profile.armAudience}/.default`);
emulator.callLog.clear();
const started = performance.now();
const session = await core.sessions.waitFor(core.azure.startConfiguration().id);
const wallSeconds = (performance.now() - started) / 1000;

const arm = emulator.callLog.entries.filter((e) => e.path.startsWith('/subscriptions'));
const buckets = new Map<string, number>();
for (const e of arm) {
  if (e.status === 429 || e.status === 0) continue; // refused calls take no token
  const sub = /^\/subscriptions\/([^/]+)/.exec(e.path)?.[1] ?? 'tenant';
  const kind = e.method === 'GET' || e.method === 'HEAD' ? 'reads' : 'writes';
  const key = `${e.clientId}|${sub}|${kind}`;
  buckets.set(key, (buckets.get(key) ?? 0) + 1);
}
let floorSeconds = 0;
let floorBucket = '';
for (const [key, count] of buckets) {
  const limits = key.endsWith('reads') ? READS : WRITES;
  const seconds = Math.max(0, count - limits.capacity) / limits.refillPerSecond;
  if (seconds > floorSeconds) [floorSeconds, floorBucket] = [seconds, key];
}
const failed = arm.filter((e) => e.status >= 400 && e.status !== 429).length;
const throttled = arm.filter((e) => e.status === 429).length;
const reads = arm.filter((e) => e.method === 'GET' && e.status !== 429).length;
const writes = arm.filter((e) => e.method !== 'GET' && e.status !== 429).length;
const ratio = wallSeconds / floorSeconds;
console.log(JSON.stringify({
  session: { status: session.status, summary: session.summary, errors: session.errorCount },
  calls: { reads, writes, throttled429: throttled, failed },
  perBucket: Object.fromEntries([...buckets].map(([k, v]) => [k.split('|').slice(1).join('|'), v])),
  floorSeconds: Number(floorSeconds.toFixed(1)),
  floorBucket: floorBucket.split('|').slice(1).join('|'),
  wallSeconds: Number(wallSeconds.toFixed(1)),
  ratio: Number(ratio.toFixed(2)),
  targetMet: ratio <= 1.25 && failed === 0 && session.errorCount === 0,
}, null, 2));
await core.close();
await emulator.stop();
dir.remove();
