import { createRequire } from 'node:module';

/** Set by the worker VM bundle's build (build-agent-bundle.ts): a self-contained bundle has no node_modules to read it from. */
declare const __BUNDLED_MONGODB_DRIVER_VERSION__: string | undefined;

/** The `mongodb` driver's own version, recorded with every restore point (Cosmos RU API 3.6/4.0 need the 6.9 line). */
export const DRIVER_VERSION: string =
  typeof __BUNDLED_MONGODB_DRIVER_VERSION__ === 'string' ? __BUNDLED_MONGODB_DRIVER_VERSION__ : String((createRequire(import.meta.url)('mongodb/package.json') as { version: string }).version);
