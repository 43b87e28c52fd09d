import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS, DATA_PATH_NODE_FLAGS } from '../../../src-main/repository/data-path-node-flags.ts';
import { BOOTSTRAP_SCRIPT } from '../../../src-main/worker/agent-bundle/bootstrap-script.ts';
import { LocalWorkerLauncher } from '../../../src-main/worker/local-launcher.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('the local worker launcher', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('cosmos-launcher-flags-')));
  afterEach(() => temp.remove());

  it('starts the agent with the data-path Node flags and its heap limit, before the entry file', async () => {
    // A stand-in agent that records how its Node was started, then leaves without a word.
    const agent = join(temp.path, 'recording-agent.mjs');
    const record = join(temp.path, 'argv.json');
    writeFileSync(agent, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(record)}, JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(1) }));\n`);
    const launcher = new LocalWorkerLauncher({ agentEntry: agent, nodePath: process.execPath });
    const handle = await launcher.launch(
      { kind: 'restore', jobId: 'flags', engine: 'postgres', repository: { location: temp.path }, restorePointId: 'abcdef12', target: { kind: 'folder', path: join(temp.path, 'out') } },
      {},
      new AbortController().signal,
    );
    // The stand-in speaks no protocol, so the job fails; the record is what this test is about.
    await expect(handle.result).rejects.toThrow();
    const started = JSON.parse(readFileSync(record, 'utf8')) as { execArgv: string[]; argv: string[] };
    expect(started.execArgv).toEqual(expect.arrayContaining([...DATA_PATH_NODE_FLAGS, '--max-old-space-size=1024']));
    expect(started.execArgv).toEqual(expect.arrayContaining([...AGENT_NODE_FLAGS]));
    expect(started.argv).toEqual([agent]);
  });

  it('gives the agent on a worker VM the same flags', () => {
    expect(BOOTSTRAP_SCRIPT).toContain(`"$work/node" ${AGENT_NODE_FLAGS.join(' ')} "$work/worker-agent.js" --mailbox`);
  });
});
