import { request, type Agent } from 'node:https';

/** The shape msal-node expects of a network client (INetworkModule). */
export interface MsalNetworkClient {
  sendGetRequestAsync<T>(url: string, options?: { headers?: Record<string, string>; body?: string }, timeout?: number): Promise<{ headers: Record<string, string>; body: T; status: number }>;
  sendPostRequestAsync<T>(url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<{ headers: Record<string, string>; body: T; status: number }>;
}

/**
 * msal-node's HTTP client, over Node's https with our agent so a cloud profile's extra CA is
 * trusted for sign-in exactly as it is for ARM. Bodies are JSON (msal parses error bodies too).
 */
export function createMsalNetworkClient(agent: Agent | undefined, timeoutMs = 30_000): MsalNetworkClient {
  const send = <T>(method: 'GET' | 'POST', url: string, options: { headers?: Record<string, string>; body?: string } = {}, timeout = timeoutMs) =>
    new Promise<{ headers: Record<string, string>; body: T; status: number }>((resolve, reject) => {
      const req = request(url, { method, agent, headers: options.headers, timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            body = { error: 'invalid_response', error_description: text.slice(0, 500) };
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
          resolve({ headers, body: body as T, status: res.statusCode ?? 0 });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`No answer from ${new URL(url).host} within ${timeout / 1000} s.`)));
      req.on('error', reject);
      req.end(options.body);
    });
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
