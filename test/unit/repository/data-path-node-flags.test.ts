import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_PATH_NODE_FLAGS } from '../../../src-main/repository/data-path-node-flags.ts';

const root = new URL('../../../', import.meta.url);

describe('the Node flags of processes that stream repository data', () => {
  it('are what the cosmos-backup command starts Node with', () => {
    const shebang = readFileSync(new URL('src-main/cli/bin.mjs', root), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${DATA_PATH_NODE_FLAGS.join(' ')}`);
  });

  it('are what the repository and PostgreSQL benchmarks run under', () => {
    const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts as Record<string, string>;
    for (const name of ['bench:repository', 'bench:repository-rss', 'bench:postgres']) {
      expect(scripts[name], name).toMatch(new RegExp(`^node ${DATA_PATH_NODE_FLAGS.join(' ')} test/bench/`));
    }
  });

  it('are accepted by this Node on the command line', () => {
    // A flag this V8 does not know would stop every CLI run and every agent at start-up.
    const output = execFileSync(process.execPath, [...DATA_PATH_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual(expect.arrayContaining([...DATA_PATH_NODE_FLAGS]));
  });
});
