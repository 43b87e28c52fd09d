import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicyName, isRestError, type Pipeline, type PipelinePolicy, type PipelineRequest, type PipelineResponse, type SendRequest } from '@azure/core-rest-pipeline';
import { AppError } from '../shared/errors.ts';
import type { RefreshTokenOptions } from './refreshable-credential.ts';

/** Refresh a cached token this long before it expires (as the SDK's own bearer policy does). */
const REFRESH_MARGIN_MS = 2 * 60_000;

/** ARM's codes for a token it no longer accepts although it has not reached its `exp` in our cache. */
const REFUSED_TOKEN_CODES = new Set(['ExpiredAuthenticationToken', 'InvalidAuthenticationToken']);

/**
 * ARM's code when it answered 401 because of the token itself (expired early, revoked, signed by
 * a rolled key): worth one fresh token. Undefined for other answers, including other 401s (wrong
 * tenant, wrong audience), which a new token would not cure.
 */
export function refusedTokenCode(response: PipelineResponse): string | undefined {
  if (response.status !== 401) return undefined;
  try {
    const code = (JSON.parse(response.bodyAsText ?? '') as { error?: { code?: string } }).error?.code;
    if (code) return REFUSED_TOKEN_CODES.has(code) ? code : undefined;
  } catch {
    // Not JSON: fall back to the challenge header.
  }
  return /error="invalid_token"/i.test(response.headers.get('WWW-Authenticate') ?? '') ? 'InvalidAuthenticationToken' : undefined;
}

/** Sends once; a refused-token 401 comes back as a response even from pipelines that throw on errors. */
async function firstAttempt(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
  try {
    return await next(request);
  } catch (error) {
    if (isRestError(error) && error.response && refusedTokenCode(error.response)) return error.response;
    throw error;
  }
}

/**
 * One credential's ARM access token, shared by all the clients of a connection: cached until
 * shortly before it expires, and refreshed once (not once per client or per request) when ARM
 * refuses it.
 */
export class ArmTokenSource {
  readonly #credential: TokenCredential;
  readonly #scopes: string | string[];
  #cached: AccessToken | null = null;
  #pending: Promise<AccessToken> | null = null;

  constructor(credential: TokenCredential, scopes: string | string[]) {
    this.#credential = credential;
    this.#scopes = scopes;
  }

  /** The cached token, or a new one when there is none or it is about to expire. */
  async current(abortSignal?: GetTokenOptions['abortSignal']): Promise<AccessToken> {
    const token = this.#cached;
    if (token && Date.now() < (token.refreshAfterTimestamp ?? token.expiresOnTimestamp - REFRESH_MARGIN_MS)) return token;
    return this.#acquire({ abortSignal });
  }

  /** ARM refused `refused`: a fresh token (forced past msal's cache) unless another caller got one already. */
  async replace(refused: AccessToken, abortSignal?: GetTokenOptions['abortSignal']): Promise<AccessToken> {
    const token = this.#cached;
    if (token && token.token !== refused.token) return token;
    if (this.#pending) return this.#pending;
    return this.#acquire({ abortSignal, forceRefresh: true });
  }

  #acquire(options: RefreshTokenOptions): Promise<AccessToken> {
    // Concurrent requests share one acquisition.
    this.#pending ??= (async () => {
      try {
        const token = await this.#credential.getToken(this.#scopes, options);
        if (!token) throw new Error('The credential returned no access token.');
        this.#cached = token;
        return token;
      } finally {
        this.#pending = null;
      }
    })();
    return this.#pending;
  }
}

/**
 * The bearer policy of every ARM client: like the SDK's, it sends a cached token; unlike it, when
 * ARM refuses the token with `ExpiredAuthenticationToken` or `InvalidAuthenticationToken` (Entra
 * revoked it, or the server's clock disagrees with ours) it gets a fresh one with `forceRefresh`
 * and resends the request once. A session thus survives a token revocation instead of failing
 * every call until the cached token's own expiry.
 */
export function armBearerPolicy(tokens: ArmTokenSource): PipelinePolicy {
  return {
    name: bearerTokenAuthenticationPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (!request.url.toLowerCase().startsWith('https://')) throw new Error('Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.');
      const used = await tokens.current(request.abortSignal);
      request.headers.set('Authorization', `Bearer ${used.token}`);
      const response = await firstAttempt(request, next);
      const refused = refusedTokenCode(response);
      if (!refused) return response;
      let fresh: AccessToken;
      try {
        fresh = await tokens.replace(used, request.abortSignal);
      } catch (error) {
        // Say both what ARM refused and why no new token came (expired secret, revoked sign-in…).
        const why = error instanceof Error ? error.message : String(error);
        throw new AppError('unauthorized', `The Azure credentials are no longer valid (${refused}). Sign in again. Renewing the token failed: ${why}`, { armCode: refused });
      }
      request.headers.set('Authorization', `Bearer ${fresh.token}`);
      return next(request);
    },
  };
}

/** Swaps the SDK's bearer policy in `pipeline` (of a client already built) for `armBearerPolicy`. */
export function useArmBearerPolicy(pipeline: Pipeline, tokens: ArmTokenSource): void {
  pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  pipeline.addPolicy(armBearerPolicy(tokens));
}
