import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

interface Page {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchPage(url: string, caPem: string, method: 'GET' | 'POST' = 'GET', form?: URLSearchParams): Promise<Page> {
  const target = new URL(url);
  const body = form?.toString();
  const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req = target.protocol === 'https:' ? httpsRequest(target, { method, headers, ca: caPem }, onResponse) : httpRequest(target, { method, headers }, onResponse);
    req.on('error', reject);
    req.end(body);
  });
}

const unescapeHtml = (s: string): string => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The self-posting form of a `response_mode=form_post` answer, if the page is one. */
function selfPostingForm(html: string): { action: string; fields: URLSearchParams } | undefined {
  const action = /<form[^>]*method="POST"[^>]*action="([^"]*)"/i.exec(html)?.[1];
  if (action === undefined) return undefined;
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)) fields.append(unescapeHtml(m[1] ?? ''), unescapeHtml(m[2] ?? ''));
  return { action: unescapeHtml(action), fields };
}

/**
 * Plays the system browser of an interactive sign-in against the emulator: opens the authorize URL,
 * follows redirects and submits self-posting forms (form_post) until it lands on the app's loopback
 * page, whose answer it returns. Trusts the emulator's CA for https; the loopback is plain http.
 */
export async function browse(url: string, caPem: string, maxSteps = 5): Promise<Page> {
  let page = await fetchPage(url, caPem);
  let current = url;
  for (let step = 0; step < maxSteps; step++) {
    const location = page.headers['location'];
    if (page.status >= 300 && page.status < 400 && typeof location === 'string') {
      current = new URL(location, current).href;
      page = await fetchPage(current, caPem);
      continue;
    }
    const form = page.status === 200 ? selfPostingForm(page.body) : undefined;
    if (!form) return page;
    current = new URL(form.action, current).href;
    page = await fetchPage(current, caPem, 'POST', form.fields);
  }
  return page;
}
