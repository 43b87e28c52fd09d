import type { Clock } from './clock.ts';
import type { EmulatorReply, EmulatorRequest } from './http-types.ts';
import type { Operations } from './lro.ts';
import type { Principal, Principals } from './principals.ts';
import type { EmulatorState } from './state/store.ts';

/** Emulated durations (ms on the emulator clock) of long-running operations. */
export interface LroDurations {
  accountCreate: number;
  accountUpdate: number;
  accountDelete: number;
  accountRestore: number;
  /** Periodic → continuous migration, after the PATCH's own operation. */
  backupMigration: number;
  childResource: number;
  backupInformation: number;
  cluster: number;
  /** Power actions and deletes of VMs, disks. */
  compute: number;
  /** Creating a VM (Azure: typically 30–90 s for a small Linux VM). */
  vmCreate: number;
  /** Starting a deallocated VM (Azure: typically 20–60 s). */
  vmStart: number;
  /** VNets, subnets, NSGs, NICs, NAT gateways, public IPs (Azure: typically 5–20 s). */
  network: number;
  /** A managed Run Command until its script starts (Azure: typically 10–30 s on a fresh VM). */
  runCommand: number;
}

export const DEFAULT_DURATIONS: LroDurations = {
  accountCreate: 3_000,
  accountUpdate: 2_000,
  accountDelete: 2_000,
  accountRestore: 5_000,
  backupMigration: 30_000,
  childResource: 1_000,
  backupInformation: 500,
  cluster: 3_000,
  compute: 1_000,
  vmCreate: 45_000,
  vmStart: 30_000,
  network: 10_000,
  runCommand: 15_000,
};

/** Settings shared by the ARM routes. */
export interface ArmSettings {
  pageSize: number;
  retryAfterSeconds: number;
  durations: LroDurations;
}

/** Everything the ARM routes share. */
export interface EmulatorEnv {
  state: EmulatorState;
  operations: Operations;
  principals: Principals;
  clock: Clock;
  settings: ArmSettings;
}

/** One ARM request after authentication and routing. */
export interface ArmContext {
  req: EmulatorRequest;
  params: Record<string, string>;
  /** Parsed JSON body ({} when empty). */
  body: Record<string, unknown>;
  apiVersion: string;
  principal: Principal;
  baseUrl: string;
  env: EmulatorEnv;
  /** Set by a lroFail fault: the operation this request starts must end Failed. */
  lroFailure?: { code: string; message: string };
}

/** One ARM operation: method + path template (`{name}` segments, case-insensitive). */
export interface Route {
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  pattern: string;
  apiVersions: readonly string[];
  /** RBAC action checked before the handler, e.g. Microsoft.DocumentDB/databaseAccounts/read. */
  action: string;
  handle(ctx: ArmContext): EmulatorReply;
}
