#!/usr/bin/env node
// Builds the test peers the MongoDB suites run against, once, into a cache folder shared by every
// clone on the machine (`$COSMOS_BACKUP_TEST_PEERS`, default ~/.cache/cosmos-backup-test-peers):
// - FerretDB v1.24 (a MongoDB-compatible server; SQLite backend) from its Go module;
// - stock mongodump and mongorestore from the mongo-tools Go module: the baseline of the benchmark
//   and the proof that folder restores need no Cosmos Backup. The Go module proxy refuses
//   mongo-tools (403 for every version), so when it does, they are built from a source snapshot:
//   `$MONGO_TOOLS_SOURCE` (a folder or a bare git repository), else the tool library's mirror.
// Exits non-zero with the exact error when a peer cannot be built: the suites that need it fail.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const PEERS_DIR = process.env.COSMOS_BACKUP_TEST_PEERS ?? join(homedir(), '.cache', 'cosmos-backup-test-peers');
const BIN = join(PEERS_DIR, 'bin');
const FERRETDB_VERSION = 'v1.24.2';
const MIRRORED_MONGO_TOOLS = '/work/.mirror/mongodb+mongo-tools/repo';

function go(args, cwd) {
  return execFileSync('go', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' } });
}

function chmodWritable(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    chmodSync(path, stat.mode | 0o200);
    if (stat.isDirectory()) chmodWritable(path);
  }
}

function buildFerretDb() {
  const target = join(BIN, 'ferretdb');
  if (existsSync(target)) return;
  console.log(`Building FerretDB ${FERRETDB_VERSION} from its Go module…`);
  const dir = JSON.parse(go(['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], tmpdir())).Dir;
  const source = mkdtempSync(join(tmpdir(), 'ferretdb-src-'));
  try {
    cpSync(dir, source, { recursive: true });
    chmodWritable(source);
    // A build outside FerretDB's own tooling must say its version (it panics at start otherwise).
    writeFileSync(join(source, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
    execFileSync('go', ['build', '-o', target, './cmd/ferretdb'], { cwd: source, stdio: 'inherit', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

function mongoToolsSource() {
  const work = mkdtempSync(join(tmpdir(), 'mongo-tools-src-'));
  const given = process.env.MONGO_TOOLS_SOURCE;
  for (const candidate of [given, MIRRORED_MONGO_TOOLS].filter(Boolean)) {
    if (!existsSync(candidate)) continue;
    if (existsSync(join(candidate, 'go.mod'))) {
      cpSync(candidate, work, { recursive: true });
      return work;
    }
    execFileSync('sh', ['-c', `git --git-dir="${candidate}" archive HEAD | tar -x -C "${work}"`], { stdio: 'inherit' });
    return work;
  }
  rmSync(work, { recursive: true, force: true });
  return undefined;
}

function buildMongoTools() {
  const tools = ['mongodump', 'mongorestore'];
  if (tools.every((tool) => existsSync(join(BIN, tool)))) return;
  console.log('Building stock mongodump and mongorestore…');
  let proxyError = '';
  try {
    for (const tool of tools) go(['install', `github.com/mongodb/mongo-tools/${tool}/main@latest`], tmpdir());
  } catch (error) {
    proxyError = String(error.stderr || error.message).trim();
  }
  if (!proxyError) return;
  console.log(`The Go module proxy refused mongo-tools (${proxyError.split('\n')[0]}); building from a source snapshot.`);
  const source = mongoToolsSource();
  if (!source) throw new Error(`mongo-tools cannot be built: the Go module proxy refused it (${proxyError}) and no source snapshot was found (set MONGO_TOOLS_SOURCE to a mongo-tools checkout).`);
  try {
    for (const tool of tools) execFileSync('go', ['build', '-o', join(BIN, tool), `./${tool}/main`], { cwd: source, stdio: 'inherit', env: { ...process.env, GOFLAGS: '-mod=vendor' } });
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

mkdirSync(BIN, { recursive: true });
let failed = false;
for (const build of [buildFerretDb, buildMongoTools]) {
  try {
    build();
  } catch (error) {
    failed = true;
    console.error(`Test peer build failed: ${error.stderr ? String(error.stderr) : error.message}`);
  }
}
if (!failed) console.log(`Test peers ready in ${BIN}.`);
process.exit(failed ? 1 : 0);
