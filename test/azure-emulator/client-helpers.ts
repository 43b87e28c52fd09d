import { Agent, request } from 'node:https';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { AccessToken, TokenCredential } from '@azure/core-auth';

/**
 * An msal-node network client that trusts `caPem`. msal-node 7 uses global fetch, which has no
 * per-call CA option, so tests give msal this https-module client instead.
 */
export function createMsalNetworkClient(caPem: string): INetworkModule {
  const agent = new Agent({ ca: caPem, keepAlive: false });
  const send = <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const req = request(url, { method, agent, headers: options?.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          try {
            resolve({ headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T, status: res.statusCode ?? 0 });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (method === 'POST') req.write(options?.body ?? '');
      req.end();
    });
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}

/** Where and as whom to sign in. */
export interface EmulatorLogin {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  caCertPem: string;
  clientSecret?: string;
  /** Certificate credential: msal signs a client assertion with the private key. */
  clientCertificate?: { thumbprintSha256: string; privateKey: string; x5c?: string };
}

/** A real msal-node ConfidentialClientApplication pointed at the emulator. */
export function createMsalApp(login: EmulatorLogin): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: login.clientId,
      authority: `${login.authorityHost}/${login.tenantId}`,
      // Skips instance discovery against login.microsoftonline.com, as for any custom cloud.
      knownAuthorities: [new URL(login.authorityHost).host],
      ...(login.clientSecret !== undefined ? { clientSecret: login.clientSecret } : {}),
      ...(login.clientCertificate ? { clientCertificate: login.clientCertificate } : {}),
    },
    system: { networkClient: createMsalNetworkClient(login.caCertPem) },
  });
}

/** Wraps msal's client-credential flow as the TokenCredential the ARM SDK clients take. */
export function createEmulatorCredential(login: EmulatorLogin): TokenCredential {
  const app = createMsalApp(login);
  return {
    async getToken(scopes: string | string[]): Promise<AccessToken | null> {
      const result = await app.acquireTokenByClientCredential({ scopes: Array.isArray(scopes) ? scopes : [scopes] });
      if (!result) return null;
      return { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 60_000 };
    },
  };
}

/**
 * Options for @azure/arm-* clients: the emulator as endpoint, its CA trusted through the
 * pipeline's TLS settings, and (for tests) short retry delays.
 */
export function armClientOptions(emulator: { armEndpoint: string; caCertPem: string }, fastRetries = true): {
  endpoint: string;
  tlsOptions: { ca: string };
  retryOptions?: { retryDelayInMs: number; maxRetryDelayInMs: number };
} {
  return {
    endpoint: emulator.armEndpoint,
    tlsOptions: { ca: emulator.caCertPem },
    ...(fastRetries ? { retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 200 } } : {}),
  };
}
