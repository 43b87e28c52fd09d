/** Public entry of the Azure emulator for tests and benches. */
export { startAzureEmulator } from './emulator.ts';
export type { AzureEmulator, AzureEmulatorOptions } from './emulator.ts';
export { generateScenario, loadScenarioFile, parseScenario, ScenarioSchema } from './scenario.ts';
export type { GenerateOptions, Scenario } from './scenario.ts';
export type { CallLogEntry } from './call-log.ts';
export type { FaultAction, FaultMatch } from './faults.ts';
export type { Permission, Principal } from './principals.ts';
export type { LroDurations } from './context.ts';
export type { ThrottlingConfig } from './throttling.ts';
export type { EmulatorUser } from './users.ts';
export { AZURE_CLI_CLIENT_ID } from './users.ts';
export type { PendingDeviceCode } from './device-codes.ts';
