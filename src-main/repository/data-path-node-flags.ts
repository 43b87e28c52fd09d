/**
 * Node command-line flags for a process that streams repository data: the CLI and headless
 * service (the shebang of `src-main/cli/bin.mjs`), the worker agent (its launcher) and the
 * repository benchmarks (their npm scripts). A unit test keeps those three in step with this list.
 *
 * Why: a backup or restore moves every byte through short-lived 64 KiB–1 MiB Buffers (file and
 * pipe reads, chunks handed back by the codec worker). Their memory lives outside V8's heap, but
 * the ones that outlive two scavenges count toward the limit that starts a full collection, and
 * with the small heap a data path needs (about 10 MB) V8 kept that limit so low that a full
 * mark-compact ran every 20 MB or so of input: 60–66 per GiB backed up, 18–27 per GiB restored.
 * Starting the heap at 64 MB leaves them to the scavenges (1–2 mark-compacts per GiB). Measured on
 * the repository benchmark's 1 GiB: backup CPU 14.3 → 11.9 s and wall time 8.1 → 6.8 s, restore
 * CPU 3.0 → 2.3 s, peak RSS unchanged (about 265 MB).
 *
 * Limit: after its first full collection V8 sizes the heap from what is live, so the gain is
 * largest for a process that runs one job, as the agent and a CLI command do; a restore run right
 * after a backup in the same process saw 15–16 mark-compacts per GiB again. The desktop app's main
 * process has none of this (Electron takes V8 flags for it only on its own command line); its
 * backups and restores of databases run in the agent.
 *
 * `--initial-heap-size` is a V8 flag, which NODE_OPTIONS refuses and `v8.setFlagsFromString`
 * cannot apply to a heap that already exists: it has to be on the command line.
 */
export const DATA_PATH_NODE_FLAGS: readonly string[] = ['--initial-heap-size=64'];

/**
 * Flags of the worker agent's Node, on this computer (the local launcher) and on a worker VM (the
 * bootstrap script): the data-path flags and an old-generation limit of 1 GiB.
 *
 * Why the limit: V8 sizes its heap-growing steps by the heap limit, and on a machine with many GiB
 * the default limit is several GiB, so garbage piles up between full collections. A MongoDB restore
 * (documents decoded and re-encoded by the driver) peaked at 402–429 MB of RSS with the default and
 * at 331–347 MB with any limit from 512 MiB to 1 GiB, in the same time (10.2–10.7 s against
 * 10.8–11.1 s, within the run-to-run spread); 2 GiB behaved like the default. 1 GiB keeps a wide
 * margin over what a job holds at once (batches of at most a few MiB, documents of at most 16 MiB).
 */
export const AGENT_NODE_FLAGS: readonly string[] = [...DATA_PATH_NODE_FLAGS, '--max-old-space-size=1024'];
