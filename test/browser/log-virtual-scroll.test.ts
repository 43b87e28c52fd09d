import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AppCore } from '../../src-main/app/app-core.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

const LINES = 100_000;

/** The page-side globals used inside `evaluate` (this file is type-checked with Node's libs). */
interface BrowserGlobals {
  requestAnimationFrame(callback: () => void): number;
}
const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error'] as const;

/**
 * A 100,000-line session in the log view: all lines arrive, only a window of rows exists in the
 * DOM, the view follows the tail, and scrolling reaches both ends and any line in between.
 */
describe('console: a 100,000-line log', () => {
  const dataDir = makeTempDir('cosmos-console-log-');
  let sessionId: string;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    assertPrerequisites();
    // The session is written by the real session manager, as a long backup would.
    const seed = AppCore.open({ dataDir: dataDir.path });
    const started = seed.sessions.start({ kind: 'backup', title: 'Chatty backup' }, async (ctx) => {
      for (let i = 1; i <= LINES; i++) ctx.log(LEVELS[i % LEVELS.length]!, `Copied chunk ${i} of ${LINES}${i === LINES - 1 ? `; note: ${'a long explanation that needs wrapping '.repeat(12)}end of note` : ''}`);
      return { summary: `${LINES} chunks` };
    });
    await seed.sessions.waitFor(started.id);
    await seed.close();
    sessionId = started.id;
    ({ service, browser, page, problems } = await openConsole(dataDir.path, { viewport: { width: 1400, height: 900 } }));
  });

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    dataDir.remove();
  });

  it('receives every line, keeps the DOM small, and follows the tail', async () => {
    const opened = Date.now();
    await page.goto(`${service.url}#/sessions/${sessionId}`);
    await page.getByRole('heading', { name: 'Chatty backup' }).waitFor();
    await page.getByTestId('log-line-count').filter({ hasText: '100,000 of 100,000 lines shown' }).waitFor({ timeout: 60_000 });
    const loadMs = Date.now() - opened;

    const log = page.getByRole('log', { name: 'Session log' });
    await log.getByText(`Copied chunk ${LINES} of ${LINES}`).waitFor();
    expect(await rowCount(page)).toBeLessThan(120);
    expect(await page.getByTestId('level-count-error').textContent()).toBe('16,666');
    expect(await page.getByTestId('warning-count').textContent()).toBe('16,667');
    console.info(`100,000 lines loaded and rendered in ${loadMs} ms`);
    expect(problems.list).toEqual([]);
  });

  it('scrolls to the top, the middle and back to the end with a bounded number of rows', async () => {
    const scroller = page.getByTestId('log-scroller');
    const log = page.getByRole('log', { name: 'Session log' });

    await scroller.evaluate((el) => (el.scrollTop = 0));
    await log.getByText(`Copied chunk 1 of ${LINES}`, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor();

    const frameTimes: number[] = [];
    for (let step = 1; step <= 20; step++) {
      const started = Date.now();
      await scroller.evaluate((el, fraction) => {
        el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction;
        // Two animation frames: the virtualizer has rendered the new window by then.
        const frame = (globalThis as unknown as BrowserGlobals).requestAnimationFrame;
        return new Promise<void>((resolve) => frame(() => frame(() => resolve())));
      }, step / 40);
      frameTimes.push(Date.now() - started);
      expect(await rowCount(page)).toBeLessThan(120);
    }
    // Halfway down, the rows around line 50,000 are on screen.
    const seqs = await page.getByTestId('log-line').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(Math.min(...seqs)).toBeLessThanOrEqual(50_000);
    expect(Math.max(...seqs)).toBeGreaterThanOrEqual(50_000);
    console.info(`scroll steps took ${frameTimes.join(', ')} ms`);

    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await log.getByText(`Copied chunk ${LINES} of ${LINES}`).waitFor();
    await page.getByText('Following the newest lines').waitFor();
    expect(await rowCount(page)).toBeLessThan(120);
    expect(problems.list).toEqual([]);
  });

  it('wraps long lines when asked, and goes back to one line per row', async () => {
    await page.getByTestId('log-search').fill('note:');
    await page.getByTestId('log-line-count').filter({ hasText: '1 of 100,000 lines shown' }).waitFor();
    const row = page.getByTestId('log-line').first();
    const single = (await row.boundingBox())!.height;
    await page.getByTestId('log-wrap').check();
    await expect.poll(async () => (await row.boundingBox())!.height).toBeGreaterThan(single * 2);
    // The whole line is on screen: its end is inside the row's box.
    const end = page.getByTestId('log-line').getByText(/end of note/);
    expect(await end.isVisible()).toBe(true);
    await page.getByTestId('log-wrap').uncheck();
    await expect.poll(async () => (await row.boundingBox())!.height).toBeLessThan(single + 1);
    await page.getByTestId('log-search').fill('');
    await page.getByTestId('log-line-count').filter({ hasText: '100,000 of 100,000 lines shown' }).waitFor();
    expect(problems.list).toEqual([]);
  });

  it('filters by level', async () => {
    await page.getByRole('checkbox', { name: /Debug/ }).uncheck();
    await page.getByRole('checkbox', { name: /Info/ }).uncheck();
    await page.getByTestId('log-line-count').filter({ hasText: '33,333 of 100,000 lines shown' }).waitFor();
    const levels = await page.getByTestId('log-line').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-level')))]);
    expect(levels.sort()).toEqual(['error', 'warn']);
    await page.getByRole('checkbox', { name: /Warning/ }).uncheck();
    await page.getByRole('checkbox', { name: /Error/ }).uncheck();
    await page.getByText('No lines at the selected levels.').waitFor();
    expect(problems.list).toEqual([]);
  });
});

function rowCount(page: Page): Promise<number> {
  return page.getByTestId('log-line').count();
}
