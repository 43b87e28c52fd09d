import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Clock } from './clock.ts';
import type { Principal } from './principals.ts';
import { newGuid, newRid } from './state/ids.ts';
import { normalizeLocation } from './state/locations.ts';
import { EmulatorState } from './state/store.ts';
import type { CosmosAccount, CosmosChild } from './state/types.ts';
import { registerCertificate } from './jwt.ts';

/** An ISO timestamp, "now", or an offset from the emulator's start such as "-3d", "-12h", "-30m", "-45s". */
const Time = z.string().refine((s) => s === 'now' || /^[-+]\d+(\.\d+)?(ms|s|m|h|d)$/.test(s) || !Number.isNaN(Date.parse(s)), {
  message: 'expected an ISO timestamp, "now", or an offset like "-3d" / "-12h" / "-30m"',
});

type ChildInput = string | { name: string; createdAt?: string; deletedAt?: string; children?: ChildInput[] };
const Child: z.ZodType<ChildInput> = z.lazy(() =>
  z.union([z.string().min(1), z.object({ name: z.string().min(1), createdAt: Time.optional(), deletedAt: Time.optional(), children: z.array(Child).optional() }).strict()]),
);

const Backup = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Continuous'), tier: z.enum(['Continuous7Days', 'Continuous30Days']) }).strict(),
  z.object({
    type: z.literal('Periodic'),
    intervalMinutes: z.number().int().positive().default(240),
    retentionHours: z.number().int().positive().default(8),
    redundancy: z.enum(['Geo', 'Local', 'Zone']).default('Geo'),
  }).strict(),
]);

const Account = z.object({
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$/, 'account names are 3–44 lower-case letters, digits or hyphens'),
  location: z.string().min(1),
  api: z.enum(['Sql', 'MongoDB', 'Gremlin', 'Table', 'Cassandra']).default('Sql'),
  backup: Backup.default({ type: 'Periodic', intervalMinutes: 240, retentionHours: 8, redundancy: 'Geo' }),
  createdAt: Time.default('-60d'),
  /** When continuous backup started (defaults to createdAt). */
  continuousSince: Time.optional(),
  deletedAt: Time.optional(),
  additionalLocations: z.array(z.string()).default([]),
  enableMultipleWriteLocations: z.boolean().default(false),
  keyVaultKeyUri: z.string().url().optional(),
  publicNetworkAccess: z.enum(['Enabled', 'Disabled', 'SecuredByPerimeter']).default('Enabled'),
  tags: z.record(z.string(), z.string()).default({}),
  instanceId: z.string().uuid().optional(),
  serverVersion: z.string().optional(),
  documentEndpoint: z.string().optional(),
  connectionStrings: z.array(z.object({ connectionString: z.string(), description: z.string() })).optional(),
  /** Databases (with containers/collections/graphs as children); for Table accounts: tables. */
  databases: z.array(Child).default([]),
}).strict();

const PrincipalSpec = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  secretExpiresAt: Time.optional(),
  objectId: z.string().optional(),
  displayName: z.string().optional(),
  certificates: z.array(z.string()).default([]),
  permissions: z.array(z.object({ scope: z.string(), actions: z.array(z.string()).min(1) }).strict()).default([{ scope: '/', actions: ['*'] }]),
}).strict();

/** The JSON scenario format (see scenarios/default.json). */
export const ScenarioSchema = z.object({
  tenantId: z.string().min(1).optional(),
  principals: z.array(PrincipalSpec).default([]),
  subscriptions: z.array(z.object({
    subscriptionId: z.string().min(1),
    displayName: z.string().default('Emulated subscription'),
    state: z.enum(['Enabled', 'Disabled', 'Warned', 'PastDue', 'Deleted']).default('Enabled'),
    tenantId: z.string().optional(),
    allowedLocations: z.array(z.string()).optional(),
    resourceGroups: z.array(z.object({ name: z.string().min(1), location: z.string().min(1), tags: z.record(z.string(), z.string()).default({}) }).strict()).default([]),
  }).strict()).default([]),
  cosmosAccounts: z.array(Account).default([]),
  postgresClusters: z.array(z.object({
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    name: z.string().min(1),
    location: z.string(),
    createdAt: Time.default('-60d'),
    postgresqlVersion: z.string().default('15'),
    citusVersion: z.string().default('12.1'),
    nodeCount: z.number().int().min(0).default(2),
    coordinatorVCores: z.number().int().default(4),
    nodeVCores: z.number().int().default(8),
    administratorLogin: z.string().default('citus'),
    enableHa: z.boolean().default(false),
    coordinatorFqdn: z.string().optional(),
    tags: z.record(z.string(), z.string()).default({}),
  }).strict()).default([]),
  mongoClusters: z.array(z.object({
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    name: z.string().min(1),
    location: z.string(),
    createdAt: Time.default('-60d'),
    serverVersion: z.string().default('7.0'),
    administratorUserName: z.string().default('mongoAdmin'),
    computeTier: z.string().default('M30'),
    storageSizeGb: z.number().int().default(128),
    shardCount: z.number().int().default(1),
    highAvailability: z.string().default('Disabled'),
    connectionString: z.string().optional(),
    tags: z.record(z.string(), z.string()).default({}),
  }).strict()).default([]),
}).strict();

export type Scenario = z.input<typeof ScenarioSchema>;
type ParsedScenario = z.output<typeof ScenarioSchema>;

/** Reads and validates a scenario file; errors name the file and every bad field. */
export function loadScenarioFile(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read scenario ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  parseScenario(raw, path);
  return raw as Scenario;
}

export function parseScenario(raw: unknown, source = 'scenario'): ParsedScenario {
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid ${source}:\n${lines.join('\n')}`);
  }
  return result.data;
}

function resolveTime(value: string, now: number): number {
  if (value === 'now') return now;
  const m = /^([-+]\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  if (m) {
    const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return now + Number(m[1]) * unit;
  }
  return Date.parse(value);
}

function buildChildren(inputs: ChildInput[], parentCreated: number, now: number, ridBytes: number): CosmosChild[] {
  return inputs.map((input) => {
    const spec = typeof input === 'string' ? { name: input } : input;
    const createdAt = spec.createdAt ? resolveTime(spec.createdAt, now) : parentCreated;
    return {
      name: spec.name,
      rid: newRid(ridBytes),
      createdAt,
      deletedAt: spec.deletedAt ? resolveTime(spec.deletedAt, now) : undefined,
      children: buildChildren(spec.children ?? [], createdAt, now, 8),
    };
  });
}

/** The principals and state a scenario describes. A default app with full rights is added when none is given. */
export function buildFromScenario(input: Scenario, clock: Clock): { state: EmulatorState; principals: Principal[]; secrets: Map<string, string> } {
  const s = parseScenario(input);
  const now = clock.now();
  const tenantId = s.tenantId ?? newGuid();
  const state = new EmulatorState(tenantId, clock);
  const specs = s.principals.length ? s.principals : [{ clientId: newGuid(), clientSecret: `emu~${newRid(24)}`, certificates: [], permissions: [{ scope: '/', actions: ['*'] }] }];
  const secrets = new Map<string, string>();
  const principals: Principal[] = specs.map((p) => {
    if (p.clientSecret) secrets.set(p.clientId, p.clientSecret);
    return {
      clientId: p.clientId,
      objectId: p.objectId ?? newGuid(),
      displayName: p.displayName ?? `emulated-app-${p.clientId.slice(0, 8)}`,
      secrets: p.clientSecret ? [{ value: p.clientSecret, expiresAt: 'secretExpiresAt' in p && p.secretExpiresAt ? resolveTime(p.secretExpiresAt, now) : undefined }] : [],
      certificates: p.certificates.map(registerCertificate),
      permissions: p.permissions,
    };
  });
  for (const sub of s.subscriptions) {
    state.addSubscription({
      subscriptionId: sub.subscriptionId,
      displayName: sub.displayName,
      state: sub.state,
      tenantId: sub.tenantId ?? tenantId,
      allowedLocations: sub.allowedLocations,
      resourceGroups: new Map(sub.resourceGroups.map((rg) => [rg.name.toLowerCase(), { name: rg.name, location: normalizeLocation(rg.location), tags: rg.tags }])),
    });
  }
  const rgCheck = (subscriptionId: string, rg: string, what: string): void => {
    const sub = state.subscriptions.get(subscriptionId.toLowerCase());
    if (!sub) throw new Error(`Invalid scenario: ${what} refers to unknown subscription '${subscriptionId}'`);
    if (!sub.resourceGroups.has(rg.toLowerCase())) throw new Error(`Invalid scenario: ${what} refers to unknown resource group '${rg}' in subscription '${subscriptionId}'`);
  };
  for (const a of s.cosmosAccounts) {
    rgCheck(a.subscriptionId, a.resourceGroup, `account '${a.name}'`);
    const createdAt = resolveTime(a.createdAt, now);
    const location = normalizeLocation(a.location);
    const locations = [location, ...a.additionalLocations.map(normalizeLocation)].map((name, i) => ({ name, failoverPriority: i, isZoneRedundant: false, createdAt, regionalInstanceId: newGuid() }));
    const account: CosmosAccount = {
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      name: a.name,
      location,
      api: a.api,
      instanceId: a.instanceId ?? newGuid(),
      createdAt,
      locations,
      backup: a.backup,
      continuousSince: a.backup.type === 'Continuous' ? resolveTime(a.continuousSince ?? a.createdAt, now) : undefined,
      enableMultipleWriteLocations: a.enableMultipleWriteLocations,
      keyVaultKeyUri: a.keyVaultKeyUri,
      publicNetworkAccess: a.publicNetworkAccess,
      provisioningState: 'Succeeded',
      tags: a.tags,
      createMode: 'Default',
      consistencyLevel: 'Session',
      serverVersion: a.serverVersion,
      databases: buildChildren(a.databases, createdAt, now, 4),
      documentEndpoint: a.documentEndpoint,
      connectionStrings: a.connectionStrings,
    };
    if (a.deletedAt) {
      account.deletedAt = resolveTime(a.deletedAt, now);
      if (account.backup.type === 'Continuous') state.deletedAccounts.push(account);
    } else {
      if (state.isAccountNameTaken(a.name)) throw new Error(`Invalid scenario: account name '${a.name}' is used twice (account names are global)`);
      state.accounts.push(account);
    }
  }
  for (const c of s.postgresClusters) {
    rgCheck(c.subscriptionId, c.resourceGroup, `PostgreSQL cluster '${c.name}'`);
    state.postgresClusters.push({
      ...c,
      location: normalizeLocation(c.location),
      createdAt: resolveTime(c.createdAt, now),
      coordinatorStorageQuotaInMb: 524288,
      nodeStorageQuotaInMb: 524288,
      provisioningState: 'Succeeded',
      state: 'Ready',
    });
  }
  for (const m of s.mongoClusters) {
    rgCheck(m.subscriptionId, m.resourceGroup, `MongoDB cluster '${m.name}'`);
    state.mongoClusters.push({
      ...m,
      location: normalizeLocation(m.location),
      createdAt: resolveTime(m.createdAt, now),
      publicNetworkAccess: 'Enabled',
      provisioningState: 'Succeeded',
      clusterStatus: 'Ready',
      createMode: 'Default',
    });
  }
  return { state, principals, secrets };
}

/** Options of generateScenario. */
export interface GenerateOptions {
  subscriptions?: number;
  resourceGroupsPerSubscription?: number;
  accounts?: number;
  locations?: string[];
}

/**
 * A big deterministic scenario: accounts spread over subscriptions and resource groups, with a
 * mix of APIs (Sql, MongoDB, Gremlin, Table, Cassandra) and backup policies (7 days, 30 days,
 * periodic), each with a database and a couple of containers.
 */
export function generateScenario(options: GenerateOptions = {}): Scenario {
  const subs = options.subscriptions ?? 3;
  const rgs = options.resourceGroupsPerSubscription ?? 5;
  const count = options.accounts ?? 1000;
  const locations = options.locations ?? ['westus', 'eastus', 'northeurope'];
  const subId = (i: number): string => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
  const apis = ['Sql', 'Sql', 'Sql', 'MongoDB', 'MongoDB', 'Gremlin', 'Table', 'Sql', 'Cassandra', 'Sql'] as const;
  const backups = [
    { type: 'Continuous', tier: 'Continuous7Days' },
    { type: 'Continuous', tier: 'Continuous30Days' },
    { type: 'Periodic', intervalMinutes: 240, retentionHours: 8, redundancy: 'Geo' },
  ] as const;
  return {
    subscriptions: Array.from({ length: subs }, (_, i) => ({
      subscriptionId: subId(i),
      displayName: `Generated subscription ${i + 1}`,
      resourceGroups: Array.from({ length: rgs }, (_, j) => ({ name: `rg-${j + 1}`, location: locations[j % locations.length] ?? 'westus' })),
    })),
    cosmosAccounts: Array.from({ length: count }, (_, i) => {
      const api = apis[i % apis.length] ?? 'Sql';
      return {
        subscriptionId: subId(i % subs),
        resourceGroup: `rg-${(Math.floor(i / subs) % rgs) + 1}`,
        name: `gen-account-${String(i + 1).padStart(5, '0')}`,
        location: locations[i % locations.length] ?? 'westus',
        api,
        backup: { ...backups[i % backups.length] } as Scenario['cosmosAccounts'] extends (infer A)[] | undefined ? A extends { backup?: infer B } ? B : never : never,
        createdAt: '-40d',
        tags: { env: i % 2 ? 'prod' : 'test' },
        databases: api === 'Table' ? ['table1', 'table2'] : [{ name: 'db1', children: ['c1', 'c2'] }],
      };
    }),
  };
}
