import { handleArmRequest } from './arm-pipeline.ts';
import { CallLog } from './call-log.ts';
import { createEmulatorCertificate } from './certificate.ts';
import { EmulatorClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { DEFAULT_DURATIONS } from './context.ts';
import type { ArmSettings, EmulatorEnv, LroDurations } from './context.ts';
import { AuthorizationCodes } from './authorization-codes.ts';
import { DeviceCodes } from './device-codes.ts';
import { Faults } from './faults.ts';
import { Operations } from './lro.ts';
import { Principals } from './principals.ts';
import { Router } from './router.ts';
import { cosmosAccountRoutes } from './routes/cosmos-accounts.ts';
import { cosmosChildRoutes } from './routes/cosmos-children.ts';
import { computeRoutes } from './routes/compute.ts';
import { storageAccountRoutes } from './routes/storage-accounts.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { mongoClusterRoutes } from './routes/mongo-clusters.ts';
import { operationRoutes } from './routes/operations.ts';
import { postgresClusterRoutes } from './routes/postgres-clusters.ts';
import { restorableRoutes } from './routes/restorable.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { buildFromScenario, loadScenarioFile } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import { startHttpsServer } from './server.ts';
import type { EmulatorState } from './state/store.ts';
import { DEFAULT_THROTTLING, Throttler } from './throttling.ts';
import type { ThrottlingConfig } from './throttling.ts';
import type { Permission } from './principals.ts';
import { handleIdentityRequest } from './token-endpoint.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { TokenService } from './tokens.ts';
import { Users } from './users.ts';
import type { EmulatorUser } from './users.ts';

/** Options of startAzureEmulator. */
export interface AzureEmulatorOptions {
  /** A scenario object or the path of a scenario JSON file; empty estate when omitted. */
  scenario?: Scenario | string;
  /** false switches ARM throttling off; an object overrides bucket sizes. Default: ARM's limits. */
  throttling?: boolean | Partial<ThrottlingConfig>;
  /** Base clock (real time by default); the emulator adds timeScale and advanceTime() on top. */
  clock?: Clock;
  /** Emulated ms per real ms (e.g. 60 makes a 30 s migration take half a real second). */
  timeScale?: number;
  /** Items per list page before a nextLink (default 100). */
  pageSize?: number;
  /** Retry-After of long-running operations in seconds (default 1; 0 for fast tests). */
  retryAfterSeconds?: number;
  /** Emulated durations of long-running operations. */
  durations?: Partial<LroDurations>;
  /** Lifetime of issued access tokens in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** People of the tenant; default one, `admin@emulator.test`, allowed everything. The first is the default user. */
  users?: { userPrincipalName: string; displayName?: string; objectId?: string; permissions?: Permission[] }[];
  /** Polling interval the device-code flow tells the app, in seconds (default 5; fractions for fast tests). */
  deviceCodeIntervalSeconds?: number;
  /** Lifetime of device codes in seconds (default 900). */
  deviceCodeLifetimeSeconds?: number;
}

/** A running emulator and its control surface for tests. */
export interface AzureEmulator {
  /** https://127.0.0.1:PORT — the ARM endpoint (SDK `endpoint` option). */
  armEndpoint: string;
  /** Same server; msal authority is `${authorityHost}/${tenantId}`. */
  authorityHost: string;
  caCertFile: string;
  caCertPem: string;
  tenantId: string;
  /** The first principal of the scenario (a generated one with full rights by default). */
  clientId: string;
  clientSecret: string;
  state: EmulatorState;
  principals: Principals;
  faults: Faults;
  callLog: CallLog;
  throttling: Throttler;
  tokens: TokenService;
  /** People who sign in with the device-code or browser flow, and the public clients they use. */
  users: Users;
  /** The default user (the first of `options.users`). */
  user: EmulatorUser;
  /** Device-code sign-ins: `approve(userCode, { user })`, `deny(userCode)`, `expire(userCode)`, `pending()`. */
  deviceCodes: DeviceCodes;
  /** Browser sign-ins (authorization code + PKCE): `signInAs(upn)`, `refuseNext()`. */
  authorizationCodes: AuthorizationCodes;
  /** Refresh tokens of people's sign-ins: `revokeAll()` forces them to sign in again. */
  refreshTokens: RefreshTokens;
  /** Live settings: change pageSize, retryAfterSeconds or durations between tests. */
  settings: ArmSettings;
  /** Emulated now (epoch ms). */
  now(): number;
  /** Moves emulated time forward and completes whatever became due. */
  advanceTime(ms: number): void;
  /** Completes operations and migrations that are due (done before every request anyway). */
  settle(): void;
  stop(): Promise<void>;
}

/** Starts the Azure Resource Manager + Entra ID emulator over HTTPS on 127.0.0.1 (random port). */
export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const clock = new EmulatorClock(options.clock, options.timeScale ?? 1);
  const scenario = typeof options.scenario === 'string' ? loadScenarioFile(options.scenario) : (options.scenario ?? {});
  const built = buildFromScenario(scenario, clock);
  const principals = new Principals(clock);
  for (const p of built.principals) principals.add(p);
  const first = built.principals[0];
  if (!first) throw new Error('scenario produced no principal');

  const settings: ArmSettings = {
    pageSize: options.pageSize ?? 100,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    durations: { ...DEFAULT_DURATIONS, ...options.durations },
  };
  const throttlingConfig: ThrottlingConfig =
    options.throttling === false
      ? { ...DEFAULT_THROTTLING, enabled: false }
      : typeof options.throttling === 'object'
        ? { ...DEFAULT_THROTTLING, ...options.throttling }
        : DEFAULT_THROTTLING;
  const operations = new Operations(clock);
  const env: EmulatorEnv = { state: built.state, operations, principals, clock, settings };
  const tokens = new TokenService(built.state.tenantId, options.tokenLifetimeSeconds);
  const users = new Users();
  for (const u of options.users ?? [{ userPrincipalName: 'admin@emulator.test', displayName: 'Emulator Admin' }]) users.add(u);
  const defaultUser = users.all()[0];
  if (!defaultUser) throw new Error('the emulator needs at least one user');
  const deviceCodes = new DeviceCodes(users, () => defaultUser);
  deviceCodes.intervalSeconds = options.deviceCodeIntervalSeconds ?? 5;
  deviceCodes.lifetimeSeconds = options.deviceCodeLifetimeSeconds ?? 900;
  const authorizationCodes = new AuthorizationCodes(users, () => defaultUser);
  const refreshTokens = new RefreshTokens();
  const throttler = new Throttler(throttlingConfig);
  const faults = new Faults();
  const callLog = new CallLog();
  const router = new Router().add([
    ...operationRoutes(),
    ...subscriptionRoutes(),
    ...cosmosAccountRoutes(),
    ...cosmosChildRoutes(),
    ...restorableRoutes(),
    ...postgresClusterRoutes(),
    ...mongoClusterRoutes(),
    ...computeRoutes(),
    ...storageAccountRoutes(),
    ...scheduleRoutes(),
  ]);
  const cert = await createEmulatorCertificate();
  let baseUrl = '';
  const getBase = (): string => baseUrl;

  const server = await startHttpsServer({
    keyPem: cert.serverKeyPem,
    certPem: cert.serverCertPem,
    faults,
    callLog,
    beforeRequest: () => operations.settle(),
    dispatch: (req, lroFailure) => {
      const identity = handleIdentityRequest(req, { tenantId: built.state.tenantId, principals, tokens, clock, baseUrl: getBase, users, deviceCodes, authorizationCodes, refreshTokens });
      if (identity) return { reply: identity };
      return handleArmRequest(req, { env, router, tokens, throttler, baseUrl: getBase, users }, lroFailure);
    },
  });
  baseUrl = `https://127.0.0.1:${server.port}`;

  return {
    armEndpoint: baseUrl,
    authorityHost: baseUrl,
    caCertFile: cert.caCertFile,
    caCertPem: cert.caCertPem,
    tenantId: built.state.tenantId,
    clientId: first.clientId,
    clientSecret: built.secrets.get(first.clientId) ?? '',
    state: built.state,
    principals,
    faults,
    callLog,
    throttling: throttler,
    tokens,
    users,
    user: defaultUser,
    deviceCodes,
    authorizationCodes,
    refreshTokens,
    settings,
    now: () => clock.now(),
    advanceTime: (ms) => {
      clock.advance(ms);
      operations.settle();
    },
    settle: () => operations.settle(),
    stop: async () => {
      built.state.vmHost.shutdown();
      await server.close();
      await cert.dispose();
    },
  };
}
