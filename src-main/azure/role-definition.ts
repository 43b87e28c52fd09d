/**
 * Least privilege: exactly the ARM actions the app's calls need, derived from the calls it makes
 * (each rule below is one kind of call; a test maps every call the app made against the emulator
 * to a rule). `cosmos-backup azure role-definition` prints them as a custom role.
 */
interface CallRule {
  methods: readonly string[];
  /** Tested against the request path (no query, case-insensitive). */
  path: RegExp;
  action: string;
  /** What the app does with it, for docs/permissions.md. */
  why: string;
}

const SUB = '/subscriptions/[^/]+';
const RG = `${SUB}/resourceGroups/[^/]+`;
const ACCOUNT = `${RG}/providers/Microsoft\\.DocumentDB/databaseAccounts/[^/]+`;
const RESTORABLE = `${SUB}/providers/Microsoft\\.DocumentDB/locations/[^/]+/restorableDatabaseAccounts`;
const DOCDB_OPS = `${SUB}/providers/Microsoft\\.DocumentDB/locations/[^/]+`;

const CHILD_KINDS = [
  ['sqlDatabases', 'containers'],
  ['mongodbDatabases', 'collections'],
  ['gremlinDatabases', 'graphs'],
] as const;

export const CALL_RULES: readonly CallRule[] = [
  { methods: ['GET'], path: /^\/subscriptions$/i, action: 'Microsoft.Resources/subscriptions/read', why: 'list the subscriptions the sign-in can see' },
  { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.DocumentDB/databaseAccounts$`, 'i'), action: 'Microsoft.DocumentDB/databaseAccounts/read', why: 'inventory and configuration: list accounts' },
  { methods: ['GET'], path: new RegExp(`^${ACCOUNT}$`, 'i'), action: 'Microsoft.DocumentDB/databaseAccounts/read', why: 'follow migrations and restores, check a target name is free' },
  { methods: ['PATCH', 'PUT'], path: new RegExp(`^${ACCOUNT}$`, 'i'), action: 'Microsoft.DocumentDB/databaseAccounts/write', why: 'change the continuous-backup tier, migrate periodic accounts, create restored accounts' },
  { methods: ['HEAD'], path: /^\/providers\/Microsoft\.DocumentDB\/databaseAccountNames\/[^/]+$/i, action: 'Microsoft.DocumentDB/databaseAccountNames/read', why: 'check that a restore target name is free' },
  { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.DocumentDB/restorableDatabaseAccounts$`, 'i'), action: 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/read', why: 'list restorable (live and deleted) accounts' },
  { methods: ['GET'], path: new RegExp(`^${RESTORABLE}(/[^/]+)?$`, 'i'), action: 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/read', why: 'read the restorable window of an account' },
  ...(['restorableSqlResources', 'restorableMongodbResources', 'restorableGremlinResources', 'restorableTableResources'] as const).map((segment) => ({
    methods: ['GET'],
    path: new RegExp(`^${RESTORABLE}/[^/]+/${segment}$`, 'i'),
    action: `Microsoft.DocumentDB/locations/restorableDatabaseAccounts/${segment}/read`,
    why: 'record and check what existed at a point in time',
  })),
  { methods: ['PUT'], path: /^$/, action: 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/restore/action', why: 'restore from continuous backup (checked by ARM on every createMode Restore request)' },
  { methods: ['GET'], path: new RegExp(`^${DOCDB_OPS}/operationsStatus/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/locations/operationsStatus/read', why: 'follow long-running operations' },
  { methods: ['GET'], path: new RegExp(`^${DOCDB_OPS}/operationResults/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/locations/operationResults/read', why: 'follow long-running operations' },
  ...CHILD_KINDS.flatMap(([db, child]) => [
    { methods: ['GET'], path: new RegExp(`^${ACCOUNT}/${db}/[^/]+$`, 'i'), action: `Microsoft.DocumentDB/databaseAccounts/${db}/read`, why: 'in-account restore: read the restored database' },
    { methods: ['PUT'], path: new RegExp(`^${ACCOUNT}/${db}/[^/]+$`, 'i'), action: `Microsoft.DocumentDB/databaseAccounts/${db}/write`, why: 'in-account restore of a deleted database' },
    { methods: ['GET'], path: new RegExp(`^${ACCOUNT}/${db}/[^/]+/${child}/[^/]+$`, 'i'), action: `Microsoft.DocumentDB/databaseAccounts/${db}/${child}/read`, why: 'in-account restore: read the restored resource' },
    { methods: ['PUT'], path: new RegExp(`^${ACCOUNT}/${db}/[^/]+/${child}/[^/]+$`, 'i'), action: `Microsoft.DocumentDB/databaseAccounts/${db}/${child}/write`, why: 'in-account restore of a deleted container, collection or graph' },
  ]),
  { methods: ['POST'], path: new RegExp(`^${ACCOUNT}/listConnectionStrings$`, 'i'), action: 'Microsoft.DocumentDB/databaseAccounts/listConnectionStrings/action', why: 'repository backups of Cosmos DB for MongoDB (RU) accounts: the connection string with its key, used in memory for one job' },
  { methods: ['GET'], path: new RegExp(`^${ACCOUNT}/tables/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/databaseAccounts/tables/read', why: 'in-account restore: read the restored table' },
  { methods: ['PUT'], path: new RegExp(`^${ACCOUNT}/tables/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/databaseAccounts/tables/write', why: 'in-account restore of a deleted table' },
  { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.DBforPostgreSQL/serverGroupsv2$`, 'i'), action: 'Microsoft.DBforPostgreSQL/serverGroupsv2/read', why: 'inventory of Cosmos DB for PostgreSQL clusters' },
  { methods: ['GET'], path: new RegExp(`^${RG}/providers/Microsoft\\.DBforPostgreSQL/serverGroupsv2/[^/]+$`, 'i'), action: 'Microsoft.DBforPostgreSQL/serverGroupsv2/read', why: 'read a cluster’s restorable time' },
  { methods: ['PUT'], path: new RegExp(`^${RG}/providers/Microsoft\\.DBforPostgreSQL/serverGroupsv2/[^/]+$`, 'i'), action: 'Microsoft.DBforPostgreSQL/serverGroupsv2/write', why: 'point-in-time restore into a new cluster' },
  { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.DBforPostgreSQL/locations/[^/]+/azureAsyncOperation/[^/]+$`, 'i'), action: 'Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read', why: 'follow cluster restores' },
  { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.DBforPostgreSQL/locations/[^/]+/operationResults/[^/]+$`, 'i'), action: 'Microsoft.DBforPostgreSQL/locations/operationResults/read', why: 'follow cluster restores' },
  { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.DocumentDB/mongoClusters$`, 'i'), action: 'Microsoft.DocumentDB/mongoClusters/read', why: 'inventory of MongoDB vCore clusters' },
  { methods: ['GET'], path: new RegExp(`^${RG}/providers/Microsoft\\.DocumentDB/mongoClusters/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/mongoClusters/read', why: 'read a cluster’s restorable time' },
  { methods: ['PUT'], path: new RegExp(`^${RG}/providers/Microsoft\\.DocumentDB/mongoClusters/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/mongoClusters/write', why: 'point-in-time restore into a new cluster' },
  { methods: ['GET'], path: new RegExp(`^${DOCDB_OPS}/mongoClusterAzureAsyncOperation/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/locations/mongoClusterAzureAsyncOperation/read', why: 'follow cluster restores' },
  { methods: ['GET'], path: new RegExp(`^${DOCDB_OPS}/mongoClusterOperationResults/[^/]+$`, 'i'), action: 'Microsoft.DocumentDB/locations/mongoClusterOperationResults/read', why: 'follow cluster restores' },
  ...workerRules(),
];

/** The calls of workers on Azure VMs: the auto network, the worker VMs, their Run Commands and the orphan sweep. */
function workerRules(): CallRule[] {
  const NET = `${RG}/providers/Microsoft\\.Network`;
  const VM = `${RG}/providers/Microsoft\\.Compute/virtualMachines/[^/]+`;
  const rules: CallRule[] = [
    { methods: ['PUT'], path: new RegExp(`^${SUB}/resourcegroups/[^/]+$`, 'i'), action: 'Microsoft.Resources/subscriptions/resourceGroups/write', why: 'workers: create the resource group of the auto network of a region' },
    { methods: ['PUT'], path: new RegExp(`^${RG}/providers/Microsoft\\.DevTestLab/schedules/shutdown-computevm-[^/]+$`, 'i'), action: 'Microsoft.DevTestLab/schedules/write', why: 'workers: the auto-shutdown of a worker VM, the last safety net should nothing release it' },
    { methods: ['DELETE'], path: new RegExp(`^${RG}/providers/Microsoft\\.DevTestLab/schedules/shutdown-computevm-[^/]+$`, 'i'), action: 'Microsoft.DevTestLab/schedules/delete', why: 'workers: remove a released worker’s auto-shutdown' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.Storage/storageAccounts$`, 'i'), action: 'Microsoft.Storage/storageAccounts/read', why: 'workers: find the region of an archive repository’s storage account (archive copies run there)' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/resourcegroups$`, 'i'), action: 'Microsoft.Resources/subscriptions/resourceGroups/read', why: 'workers: the sweep finds auto networks by tag' },
    { methods: ['DELETE'], path: new RegExp(`^${SUB}/resourcegroups/cosmos-backup-workers-[^/]+$`, 'i'), action: 'Microsoft.Resources/subscriptions/resourceGroups/delete', why: 'workers: the sweep removes an auto network unused for a day (its own resource group only)' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.Compute/skus$`, 'i'), action: 'Microsoft.Compute/skus/read', why: 'workers: the VM sizes a region offers the subscription (read once a day)' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.Compute/virtualMachines$`, 'i'), action: 'Microsoft.Compute/virtualMachines/read', why: 'workers: the orphan sweep finds worker VMs by tag' },
    { methods: ['GET'], path: new RegExp(`^${VM}$`, 'i'), action: 'Microsoft.Compute/virtualMachines/read', why: 'workers: follow a worker VM' },
    { methods: ['PUT'], path: new RegExp(`^${VM}$`, 'i'), action: 'Microsoft.Compute/virtualMachines/write', why: 'workers: create a worker VM in the data’s region' },
    { methods: ['DELETE'], path: new RegExp(`^${VM}$`, 'i'), action: 'Microsoft.Compute/virtualMachines/delete', why: 'workers: delete a worker VM after its job (its disk and NIC go with it)' },
    { methods: ['POST'], path: new RegExp(`^${VM}/deallocate$`, 'i'), action: 'Microsoft.Compute/virtualMachines/deallocate/action', why: 'workers: keep-warm leaves a released worker deallocated' },
    { methods: ['POST'], path: new RegExp(`^${VM}/start$`, 'i'), action: 'Microsoft.Compute/virtualMachines/start/action', why: 'workers: start a kept-warm worker for the next job' },
    { methods: ['GET'], path: new RegExp(`^${VM}/runCommands/[^/]+$`, 'i'), action: 'Microsoft.Compute/virtualMachines/runCommands/read', why: 'workers: follow the agent’s Run Command' },
    { methods: ['PUT'], path: new RegExp(`^${VM}/runCommands/[^/]+$`, 'i'), action: 'Microsoft.Compute/virtualMachines/runCommands/write', why: 'workers: start the agent’s bootstrap with a managed Run Command' },
    { methods: ['DELETE'], path: new RegExp(`^${RG}/providers/Microsoft\\.Compute/disks/[^/]+$`, 'i'), action: 'Microsoft.Compute/disks/delete', why: 'workers: the sweep deletes a worker’s disk left behind' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.Compute/locations/[^/]+/(operations|operationResults)/[^/]+$`, 'i'), action: 'Microsoft.Compute/locations/operations/read', why: 'workers: follow VM operations' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.Network/locations/[^/]+/operations/[^/]+$`, 'i'), action: 'Microsoft.Network/locations/operations/read', why: 'workers: follow network operations' },
    { methods: ['GET'], path: new RegExp(`^${SUB}/providers/Microsoft\\.Network/locations/[^/]+/operationResults/[^/]+$`, 'i'), action: 'Microsoft.Network/locations/operationResults/read', why: 'workers: follow network operations' },
    // Checked by ARM when a NIC joins a subnet, a subnet uses an NSG and a NAT gateway, a NAT gateway uses a public IP.
    { methods: ['PUT'], path: /^$/, action: 'Microsoft.Network/virtualNetworks/subnets/join/action', why: 'workers: a worker’s NIC joins the worker subnet' },
    { methods: ['PUT'], path: /^$/, action: 'Microsoft.Network/networkSecurityGroups/join/action', why: 'workers: the auto subnet uses its NSG' },
    { methods: ['PUT'], path: /^$/, action: 'Microsoft.Network/natGateways/join/action', why: 'workers: the auto subnet uses its NAT gateway' },
    { methods: ['PUT'], path: /^$/, action: 'Microsoft.Network/publicIPAddresses/join/action', why: 'workers: the NAT gateway uses its public IP' },
  ];
  for (const [type, what] of [
    ['virtualNetworks', 'the auto network’s VNet'],
    ['virtualNetworks/[^/]+/subnets', 'the worker subnet'],
    ['networkSecurityGroups', 'the auto network’s NSG (no inbound rule)'],
    ['natGateways', 'the auto network’s NAT gateway (outbound access)'],
    ['publicIPAddresses', 'the NAT gateway’s public IP'],
    ['networkInterfaces', 'a worker VM’s NIC'],
  ] as const) {
    const path = new RegExp(`^${NET}/${type}/[^/]+$`, 'i');
    const action = `Microsoft.Network/${type.replace('/[^/]+/', '/')}`;
    rules.push({ methods: ['GET'], path, action: `${action}/read`, why: `workers: read ${what}` });
    rules.push({ methods: ['PUT'], path, action: `${action}/write`, why: `workers: create ${what}` });
    rules.push({ methods: ['DELETE'], path, action: `${action}/delete`, why: `workers: delete ${what}` });
  }
  return rules;
}

/** The action an ARM call needs, or null when the app is not expected to make it. */
export function actionFor(method: string, path: string): string | null {
  const rule = CALL_RULES.find((r) => r.methods.includes(method.toUpperCase()) && r.path.test(path));
  return rule?.action ?? null;
}

/** Every action the app needs, sorted, without duplicates. */
export const ROLE_ACTIONS: readonly string[] = [...new Set(CALL_RULES.map((r) => r.action))].sort();

/** The custom role definition (az role definition create --role-definition @file.json). */
export function customRoleDefinition(assignableScopes: string[] = ['/subscriptions/00000000-0000-0000-0000-000000000000']): Record<string, unknown> {
  return {
    Name: 'Cosmos Backup Operator',
    IsCustom: true,
    Description: 'What Cosmos Backup needs to manage Azure Cosmos DB continuous backup, keep restore-point records and run point-in-time restores. Nothing else.',
    Actions: [...ROLE_ACTIONS],
    NotActions: [],
    DataActions: [],
    NotDataActions: [],
    AssignableScopes: assignableScopes,
  };
}
