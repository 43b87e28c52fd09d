import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { signIn } from '../../azure/sign-in/sign-in.ts';
import type { RestoreSelection } from '../../azure/pitr/validation.ts';
import { customRoleDefinition } from '../../azure/role-definition.ts';
import type { AppCore } from '../../app/app-core.ts';
import { AppError } from '../../shared/errors.ts';
import type { Session } from '../../shared/session.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';
import { runAndFollow } from '../follow-session.ts';

interface AzureGlobals {
  cloudProfile?: string;
  tenant?: string;
}

/** `--database orders` (whole database) or `--database orders:items,customers` (some containers). */
function parseDatabase(value: string, previous: { name: string; children: string[] }[] = []) {
  const [name, children] = value.split(':', 2);
  if (!name) throw new InvalidArgumentError('must be DATABASE or DATABASE:CONTAINER,CONTAINER.');
  return [...previous, { name, children: children ? children.split(',').filter(Boolean) : [] }];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parseTimestamp(value: string): Date {
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new InvalidArgumentError('must be an ISO 8601 time, e.g. 2025-05-01T12:00:00Z.');
  return t;
}

/**
 * `azure login|logout|sign-ins|accounts|sync|configure|restore-pitr|role-definition`: the Azure
 * control plane from the command line. Secrets are read from the environment or stdin, never argv.
 */
export function registerAzure(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const azure = program
    .command('azure')
    .description('Azure: sign-in, inventory, continuous-backup configuration, point-in-time restore')
    .option('--cloud-profile <name>', 'cloud profile (AzureCloud, AzureUSGovernment, AzureChinaCloud, or a stored custom one)')
    .option('--tenant <id>', 'tenant to use when several are signed in');
  const scope = (): AzureGlobals => azure.opts<AzureGlobals>();
  const json = () => Boolean(ctx.globals().json);

  const follow = async (core: AppCore, session: Session): Promise<number> => {
    const final = await runAndFollow(core, session, ctx.io, json());
    if (json()) printJson(ctx.io, final);
    else ctx.io.out(`${final.title}: ${final.status}${final.summary ? ` — ${final.summary}` : ''}\n`);
    return final.status === 'succeeded' || final.status === 'warning' ? EXIT_OK : EXIT_FAILURE;
  };

  azure
    .command('login')
    .description('sign in and store the sign-in (secret encrypted at rest). Service principal: secret from AZURE_CLIENT_SECRET or --client-secret-stdin, or --certificate')
    .requiredOption('--tenant-id <id>', 'Entra ID tenant')
    .option('--client-id <id>', 'application (client) id; people: default is the Azure CLI public client')
    .option('--client-secret-stdin', 'read the client secret from stdin')
    .option('--certificate <pem-file>', 'PEM holding the certificate and its private key')
    .option('--device-code', 'sign a person in with a device code')
    .option('--interactive', 'sign a person in through the system browser')
    .option('--arm-endpoint <url>', 'custom cloud: ARM endpoint')
    .option('--authority-host <url>', 'custom cloud: Entra ID authority host')
    .option('--ca-file <pem>', 'custom cloud: extra CA certificate to trust')
    .option('--arm-audience <url>', 'custom cloud: token audience for ARM (default: the ARM endpoint)')
    .action(
      wrap((options: { tenantId: string; clientId?: string; clientSecretStdin?: boolean; certificate?: string; deviceCode?: boolean; interactive?: boolean; armEndpoint?: string; authorityHost?: string; caFile?: string; armAudience?: string }) =>
        withCore(ctx, async (core) => {
          const method = options.deviceCode ? 'device-code' : options.interactive ? 'interactive' : 'service-principal';
          if (method === 'service-principal' && !options.clientId) throw new AppError('validation_failed', 'A service principal sign-in needs --client-id (or use --device-code / --interactive).');
          const clientSecret = method !== 'service-principal' ? undefined : options.clientSecretStdin ? (await readStdin()).trim() : options.certificate ? undefined : process.env.AZURE_CLIENT_SECRET;
          const certificatePem = method === 'service-principal' && options.certificate ? await readFile(options.certificate, 'utf8') : undefined;
          if (method === 'service-principal' && !clientSecret && !certificatePem) throw new AppError('validation_failed', 'No credential: set AZURE_CLIENT_SECRET, pass --client-secret-stdin, or --certificate <pem-file>.');
          const customCloud = options.armEndpoint ? { armEndpoint: options.armEndpoint, authorityHost: options.authorityHost ?? '', caCertFile: options.caFile, armAudience: options.armAudience } : undefined;
          const { record, profile } = await signIn(
            core.azureSignIns,
            { method, cloudProfile: scope().cloudProfile, customCloud, tenantId: options.tenantId, clientId: options.clientId, clientSecret, certificatePem },
            (message) => ctx.io.err(`${message}\n`),
          );
          const out = { cloudProfile: profile.name, tenantId: record.tenantId, clientId: record.clientId, kind: record.kind, accountName: record.accountName };
          if (json()) printJson(ctx.io, out);
          else ctx.io.out(`Signed in to ${profile.name} (tenant ${record.tenantId}) as ${record.accountName ?? record.clientId} (${record.kind}).\n`);
        }),
      ),
    );

  azure
    .command('logout')
    .description('forget the sign-ins of a cloud profile (one tenant with --tenant), with their secrets and token caches')
    .action(
      wrap(() =>
        withCore(ctx, async (core) => {
          const name = scope().cloudProfile ?? core.azureSignIns.profiles.list()[0]?.name;
          if (!name) throw new AppError('not_found', 'Nothing is signed in.');
          const removed = await core.azureSignIns.logout(name, scope().tenant);
          if (json()) printJson(ctx.io, { cloudProfile: name, removed: removed.map((s) => ({ tenantId: s.tenantId, clientId: s.clientId })) });
          else ctx.io.out(`Signed out of ${name}: ${removed.length} sign-in(s) removed.\n`);
        }),
      ),
    );

  azure
    .command('sign-ins')
    .description('list stored sign-ins (never their secrets)')
    .action(
      wrap(() =>
        withCore(ctx, (core) => {
          const profiles = new Map(core.azureSignIns.profiles.list().map((p) => [p.id, p]));
          const rows = core.azureSignIns.signIns.list().map((s) => ({ cloudProfile: profiles.get(s.cloudProfileId)?.name ?? '?', tenantId: s.tenantId, clientId: s.clientId, kind: s.kind, accountName: s.accountName, lastUsedAt: s.lastUsedAt }));
          if (json()) printJson(ctx.io, rows);
          else printTable(ctx.io, ['PROFILE', 'TENANT', 'CLIENT', 'KIND', 'ACCOUNT', 'LAST USED'], rows.map((r) => [r.cloudProfile, r.tenantId, r.clientId, r.kind, r.accountName ?? '', r.lastUsedAt ?? '']));
        }),
      ),
    );

  azure
    .command('accounts')
    .description('list Cosmos DB accounts and clusters as of the last sync (run `azure sync` first)')
    .option('--deleted', 'include deleted accounts that are still restorable')
    .action(
      wrap((options: { deleted?: boolean }) =>
        withCore(ctx, (core) => {
          const resources = core.inventory.listResources({ includeDeleted: Boolean(options.deleted) });
          if (json()) return printJson(ctx.io, resources);
          printTable(
            ctx.io,
            ['NAME', 'KIND', 'API', 'LOCATION', 'BACKUP', 'STATE', 'ID'],
            resources.map((r) => {
              const backup = (r.properties as { backup?: { type: string; tier?: string | null } }).backup;
              return [r.name, r.kind, r.api ?? '', r.location, backup ? (backup.type === 'Continuous' ? (backup.tier ?? 'Continuous') : 'Periodic') : '', r.deleted ? 'deleted' : 'live', r.id];
            }),
          );
        }),
      ),
    );

  azure
    .command('sync')
    .description('inventory sync session: subscriptions, accounts, clusters, restore-point records')
    .option('--subscription <id>', 'only this subscription (repeatable)', collect)
    .action(wrap((options: { subscription?: string[] }) => withCore(ctx, (core) => follow(core, core.azure.startSync({ ...connectOptions(scope()), subscriptionIds: options.subscription })))));

  azure
    .command('configure')
    .description('configuration session: keep continuous-backup tiers as the policies say (then sync)')
    .option('--policy <name>', 'only accounts this policy governs')
    .option('--no-sync', 'skip the catalog sync after the changes')
    .action(wrap((options: { policy?: string; sync: boolean }) => withCore(ctx, (core) => follow(core, core.azure.startConfiguration({ ...connectOptions(scope()), policy: options.policy, sync: options.sync })))));

  azure
    .command('restore-pitr')
    .description('point-in-time restore: a Cosmos DB account (live or deleted) into a new account, deleted databases/containers in place (--in-account), or a PostgreSQL / MongoDB vCore cluster')
    .option('--resource <id>', 'source: account or cluster id (deleted accounts: from their restore-point record)')
    .option('--restore-point <id>', 'source: a restore-point record id')
    .requiredOption('--timestamp <iso>', 'restore to this time (UTC)', parseTimestamp)
    .requiredOption('--reason <text>', 'why (recorded with the restore)')
    .option('--target-name <name>', 'new account or cluster name')
    .option('--target-resource-group <name>', 'resource group of the new account or cluster')
    .option('--target-subscription <id>', 'subscription of the new account (default: the source’s)')
    .option('--region <name>', 'region of the new account (one of the source’s restorable locations)')
    .option('--database <db[:c1,c2]>', 'restore only this database (and these containers/collections/graphs); repeatable', parseDatabase)
    .option('--table <name>', 'restore only this table; repeatable', collect)
    .option('--disable-ttl', 'restore with time-to-live disabled')
    .option('--disable-public-network-access', 'create the account with public network access off')
    .option('--in-account', 'restore a deleted --database (or --container), or a deleted --table of a Table API account, inside the source account')
    .option('--container <name>', 'with --in-account: the deleted container, collection or graph')
    .action(
      wrap((o: { resource?: string; restorePoint?: string; timestamp: Date; reason: string; targetName?: string; targetResourceGroup?: string; targetSubscription?: string; region?: string; database?: { name: string; children: string[] }[]; table?: string[]; disableTtl?: boolean; disablePublicNetworkAccess?: boolean; inAccount?: boolean; container?: string }) =>
        withCore(ctx, (core) => {
          const connect = connectOptions(scope());
          if (o.inAccount) {
            const database = o.database?.[0]?.name ?? o.table?.[0];
            if (!o.resource || !database) throw new AppError('validation_failed', '--in-account needs --resource <account id> and --database <name> (or --table <name> for a Table API account).');
            return follow(core, core.azure.startInAccountRestore({ accountId: o.resource, database, child: o.container, timestamp: o.timestamp, reason: o.reason }, connect));
          }
          if (!o.targetName || !o.targetResourceGroup) throw new AppError('validation_failed', 'Name the new resource with --target-name and --target-resource-group.');
          if (o.resource && /\/providers\/(Microsoft\.DBforPostgreSQL\/serverGroupsv2|Microsoft\.DocumentDB\/mongoClusters)\//i.test(o.resource)) {
            return follow(core, core.azure.startClusterRestore({ sourceResourceId: o.resource, targetName: o.targetName, targetResourceGroup: o.targetResourceGroup, timestamp: o.timestamp, reason: o.reason }, connect));
          }
          const selection: RestoreSelection | undefined = o.database || o.table ? { databases: o.database, tables: o.table } : undefined;
          return follow(
            core,
            core.azure.startAccountRestore(
              {
                source: { resourceId: o.resource, restorePointId: o.restorePoint },
                targetName: o.targetName,
                targetResourceGroup: o.targetResourceGroup,
                targetSubscriptionId: o.targetSubscription,
                region: o.region,
                timestamp: o.timestamp,
                selection,
                disableTtl: o.disableTtl,
                disablePublicNetworkAccess: o.disablePublicNetworkAccess,
                reason: o.reason,
              },
              connect,
            ),
          );
        }),
      ),
    );

  azure
    .command('restorable')
    .description('list the databases, containers and tables an account held at a time, and which of them are deleted now (what a point-in-time restore can choose)')
    .option('--resource <id>', 'the account id (deleted accounts: from their restore-point record)')
    .option('--restore-point <id>', 'or a restore-point record id')
    .option('--at <iso>', 'the time (UTC; default: the latest restorable time)', parseTimestamp)
    .option('--region <name>', 'the region a new account would be restored into')
    .action(
      wrap((o: { resource?: string; restorePoint?: string; at?: Date; region?: string }) =>
        withCore(ctx, async (core) => {
          if (!o.resource && !o.restorePoint) throw new AppError('validation_failed', 'Name the account with --resource <account id> or --restore-point <id>.');
          const view = await core.azure.restorableAt({ resourceId: o.resource, restorePointId: o.restorePoint, timestamp: o.at, restoreLocation: o.region }, connectOptions(scope()));
          if (json()) return printJson(ctx.io, view);
          const gone = new Set((view.deleted?.items ?? []).map((item) => `${item.database}/${item.child ?? ''}`));
          const rows = view.api === 'Table'
            ? view.tables.map((table) => [table, view.deleted?.tables.includes(table) ? 'deleted' : view.accountDeleted ? '' : 'exists'])
            : view.databases.flatMap((db) => [
                [db.name, '', gone.has(`${db.name}/`) ? 'deleted' : view.accountDeleted ? '' : 'exists'],
                ...db.children.map((child) => [db.name, child, gone.has(`${db.name}/`) || gone.has(`${db.name}/${child}`) ? 'deleted' : view.accountDeleted ? '' : 'exists']),
              ]);
          ctx.io.out(`${view.accountName} (${view.api}${view.accountDeleted ? ', deleted account' : ''}) at ${view.timestamp}:\n`);
          printTable(ctx.io, view.api === 'Table' ? ['TABLE', 'NOW'] : ['DATABASE', 'CONTAINER', 'NOW'], rows);
          if (view.deleted && (view.deleted.items.length || view.deleted.tables.length)) ctx.io.out('Deleted ones can be brought back in place with `azure restore-pitr --in-account`.\n');
        }),
      ),
    );

  azure
    .command('role-definition')
    .description('print a custom role (JSON) with exactly the Azure actions the app uses')
    .option('--scope <id>', 'assignable scope, e.g. /subscriptions/ID (repeatable)', collect)
    .action(
      wrap((options: { scope?: string[] }) => {
        printJson(ctx.io, customRoleDefinition(options.scope));
      }),
    );
}

function connectOptions(g: AzureGlobals) {
  return { cloudProfile: g.cloudProfile, tenantId: g.tenant };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
