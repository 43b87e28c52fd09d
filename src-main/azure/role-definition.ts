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
];

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
