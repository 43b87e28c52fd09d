#!/usr/bin/env -S node --initial-heap-size=64
// The flag after `node` is DATA_PATH_NODE_FLAGS (src-main/repository/data-path-node-flags.ts), which
// says why; a unit test keeps the two in step.
// Entry point of the `cosmos-backup` command. The CLI runs its TypeScript sources directly through
// Node's type stripping, which needs Node 22.18 or later.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `cosmos-backup needs Node.js 22.18 or later (this is ${process.versions.node}). ` +
      'Run it through npm (`npx cosmos-backup …`), which uses the project\'s own Node 22.\n',
  );
  process.exit(1);
}
const { runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2));
// The command is done: a handle something left open (a socket a peer holds, a stuck timer) must not
// keep the process alive. Unref'd, this timer never delays a clean exit.
setTimeout(() => process.exit(), 3000).unref();
