import type { ContractClient } from '../transport/client.ts';

/**
 * The one contract client of this window, set once at start (tests set a fake). Stores reach the
 * core only through it.
 */
let current: ContractClient | null = null;

export function setClient(client: ContractClient | null): void {
  current = client;
}

export function getClient(): ContractClient {
  if (!current) throw new Error('The contract client is not set up yet.');
  return current;
}
