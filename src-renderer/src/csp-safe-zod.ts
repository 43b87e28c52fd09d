import { z } from 'zod';

// zod compiles fast parsers with `new Function`, which the console's CSP (no 'unsafe-eval') forbids;
// even its probe for eval support is reported as a CSP violation. Imported first, before any parse.
z.config({ jitless: true });
