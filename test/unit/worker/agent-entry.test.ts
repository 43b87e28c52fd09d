import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_BUNDLE_ENTRY, AGENT_SOURCE_ENTRY, bundleIfFresh, installedAgentEntry } from '../../../src-main/worker/agent-entry.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('the installed agent entry', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('cosmos-agent-entry-')));
  afterEach(() => temp.remove());

  function tree(times: { bundle?: number; sources: Record<string, number> }): { bundle: string; sources: string } {
    const bundle = join(temp.path, 'out', 'worker-agent.js');
    const sources = join(temp.path, 'src');
    mkdirSync(join(sources, 'worker'), { recursive: true });
    for (const [name, seconds] of Object.entries(times.sources)) {
      writeFileSync(join(sources, name), 'export {};');
      utimesSync(join(sources, name), seconds, seconds);
    }
    if (times.bundle !== undefined) {
      mkdirSync(join(temp.path, 'out'), { recursive: true });
      writeFileSync(bundle, '');
      utimesSync(bundle, times.bundle, times.bundle);
    }
    return { bundle, sources };
  }

  it('is the bundle while no source is newer than it', () => {
    const { bundle, sources } = tree({ bundle: 2_000, sources: { 'a.ts': 1_000, 'worker/b.ts': 2_000 } });
    expect(bundleIfFresh(bundle, sources)).toBe(bundle);
  });

  it('falls back to the sources when one of them, however deep, was edited after the build', () => {
    const { bundle, sources } = tree({ bundle: 2_000, sources: { 'a.ts': 1_000, 'worker/b.ts': 2_001 } });
    expect(bundleIfFresh(bundle, sources)).toBeUndefined();
  });

  it('falls back to the sources when there is no bundle', () => {
    const { bundle, sources } = tree({ sources: { 'a.ts': 1_000 } });
    expect(bundleIfFresh(bundle, sources)).toBeUndefined();
  });

  it('is one of the two real entries for this checkout', () => {
    expect([AGENT_BUNDLE_ENTRY, AGENT_SOURCE_ENTRY]).toContain(installedAgentEntry());
    expect(AGENT_BUNDLE_ENTRY.endsWith(join('out', 'worker-vm', 'worker-agent.js'))).toBe(true);
  });
});
