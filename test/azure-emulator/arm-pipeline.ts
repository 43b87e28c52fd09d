import { randomUUID } from 'node:crypto';
import { ArmError } from './arm-error.ts';
import type { ArmContext, EmulatorEnv } from './context.ts';
import type { EmulatorReply, EmulatorRequest } from './http-types.ts';
import type { Router } from './router.ts';
import type { RequestKind, Throttler } from './throttling.ts';
import type { TokenService } from './tokens.ts';
import { userAsPrincipal } from './users.ts';
import type { Users } from './users.ts';

/** What the ARM side needs besides the shared environment. */
export interface ArmPipelineDeps {
  env: EmulatorEnv;
  router: Router;
  tokens: TokenService;
  throttler: Throttler;
  baseUrl: () => string;
  /** People signed in through public clients are callers too (by their object id). */
  users: Users;
}

/** Per-request facts the server logs. */
export interface ArmOutcome {
  reply: EmulatorReply;
  clientId?: string;
}

function errorReply(e: ArmError, extra: Record<string, string> = {}): EmulatorReply {
  return { status: e.status, headers: { ...extra, ...e.headers }, body: e.toBody() };
}

/**
 * The ARM front door, in ARM's order: authenticate, route, api-version, authorize, throttle,
 * then the handler. Every ARM error leaves as `{ error: { code, message } }`.
 */
export function handleArmRequest(req: EmulatorRequest, deps: ArmPipelineDeps, lroFailure?: { code: string; message: string }): ArmOutcome {
  const path = req.url.pathname;
  const ids = { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': String(req.headers['x-ms-correlation-request-id'] ?? randomUUID()) };
  let clientId: string | undefined;
  try {
    const claims = deps.tokens.verify(req.headers.authorization);
    const user = deps.users.byObjectId(claims.oid);
    const principal = deps.env.principals.byObjectId(claims.oid) ?? (user ? userAsPrincipal(user) : undefined);
    if (!principal || claims.tid.toLowerCase() !== deps.env.state.tenantId.toLowerCase()) {
      throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid: its principal is not known in this tenant.');
    }
    clientId = principal.clientId;
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    const sub = subscriptionId ? deps.env.state.subscriptions.get(subscriptionId.toLowerCase()) : undefined;
    if (sub && sub.tenantId.toLowerCase() !== claims.tid.toLowerCase()) {
      throw new ArmError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer. It must match the tenant 'https://sts.windows.net/${sub.tenantId}/' associated with this subscription.`);
    }

    const match = deps.router.match(req.method, path);
    if (match.kind === 'not-found') {
      const type = /\/providers\/([^/]+\/[^/]+)/i.exec(path)?.[1];
      throw type
        ? new ArmError(404, 'InvalidResourceType', `The resource type '${type}' could not be found for the requested path '${path}'.`)
        : new ArmError(404, 'NotFound', `The requested path '${path}' was not found.`);
    }
    if (match.kind === 'method-not-allowed') {
      throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    }
    const apiVersion = req.url.searchParams.get('api-version');
    if (!apiVersion) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!match.route.apiVersions.includes(apiVersion)) {
      throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${match.route.apiVersions.join(',')}'.`);
    }
    deps.env.principals.authorize(principal, match.route.action, path);

    const kind: RequestKind = req.method === 'GET' || req.method === 'HEAD' ? 'reads' : 'writes';
    const decision = deps.throttler.take(principal.objectId, subscriptionId ?? 'tenant', kind);
    const rateHeader = { [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(decision.remaining) };
    if (!decision.allowed) {
      const verb = kind === 'reads' ? 'read' : 'write';
      const e = new ArmError(
        429,
        'SubscriptionRequestsThrottled',
        `Number of '${verb}' requests for subscription '${subscriptionId ?? ''}' actor '${principal.objectId}' exceeded. Please try again after '${decision.retryAfterSeconds}' seconds after the additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
      return { reply: errorReply(e, { ...ids, ...rateHeader }), clientId };
    }

    let body: Record<string, unknown> = {};
    if (req.bodyText.trim()) {
      try {
        const parsed = JSON.parse(req.bodyText) as unknown;
        body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      } catch {
        throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
      }
    }
    const ctx: ArmContext = { req, params: match.params, body, apiVersion, principal, baseUrl: deps.baseUrl(), env: deps.env, lroFailure };
    const reply = match.route.handle(ctx);
    return { reply: { ...reply, headers: { ...ids, ...rateHeader, ...reply.headers } }, clientId };
  } catch (e) {
    if (e instanceof ArmError) return { reply: errorReply(e, ids), clientId };
    const message = e instanceof Error ? e.message : String(e);
    return { reply: errorReply(new ArmError(500, 'InternalServerError', `The emulator failed: ${message}`), ids), clientId };
  }
}
