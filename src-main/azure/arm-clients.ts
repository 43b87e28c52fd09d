import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import { CosmosDBManagementClient } from '@azure/arm-cosmosdb';
import { NetworkManagementClient } from '@azure/arm-network';
import { MongoClusterManagementClient } from '@azure/arm-mongocluster';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  createDefaultHttpClient,
  agentPolicy,
  exponentialRetryPolicy,
  throttlingRetryPolicy,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { armBearerPolicy, ArmTokenSource, useArmBearerPolicy } from './arm-bearer-policy.ts';
import type { CloudProfile } from './cloud-profiles.ts';
import { httpsAgentFor } from './tls-agent.ts';
import { ArmRateGovernor } from './rate-governor.ts';

/** Retries for ARM: 429s wait for Retry-After; transient errors back off exponentially. */
const RETRY = { maxRetries: 10, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 };

/** Tuning of the ARM clients (tests and benches shorten waits; the defaults suit Azure). */
export interface ArmClientsOptions {
  /** Paces calls per subscription inside ARM's limits; one governor per credential. */
  governor?: ArmRateGovernor;
  /** Poll interval of long-running operations when ARM sends no Retry-After (default 2 s). */
  pollIntervalMs?: number;
}

/** The ARM clients the app uses, all on one credential and one cloud profile. */
export class ArmClients {
  readonly profile: CloudProfile;
  readonly credential: TokenCredential;
  readonly governor: ArmRateGovernor;
  /** Poller options for every long-running operation the app follows. */
  readonly pollOptions: { updateIntervalInMs: number };
  private readonly cosmosClients = new Map<string, CosmosDBManagementClient>();
  private readonly mongoClients = new Map<string, MongoClusterManagementClient>();
  private readonly computeClients = new Map<string, ComputeManagementClient>();
  private readonly networkClients = new Map<string, NetworkManagementClient>();
  private subscriptionClient: SubscriptionClient | null = null;
  private genericPipeline: Pipeline | null = null;
  private readonly httpClient: HttpClient = createDefaultHttpClient();
  /** One ARM token for all the clients below, so a refused token is refreshed once. */
  private readonly tokens: ArmTokenSource;

  constructor(profile: CloudProfile, credential: TokenCredential, options: ArmClientsOptions = {}) {
    this.profile = profile;
    this.credential = credential;
    this.tokens = new ArmTokenSource(credential, `${profile.armAudience}/.default`);
    this.governor = options.governor ?? new ArmRateGovernor();
    this.pollOptions = { updateIntervalInMs: options.pollIntervalMs ?? 2000 };
  }

  private options() {
    return {
      endpoint: this.profile.armEndpoint,
      credentials: { scopes: [`${this.profile.armAudience}/.default`] },
      agent: httpsAgentFor(this.profile),
      retryOptions: RETRY,
      userAgentOptions: { userAgentPrefix: 'cosmos-backup' },
      additionalPolicies: [{ policy: this.governor.policy(), position: 'perRetry' as const }],
    };
  }

  /** Our bearer policy in place of the SDK's, so a token ARM refuses is refreshed once (see armBearerPolicy). */
  private withTokenRecovery<T extends { pipeline: Pipeline }>(client: T): T {
    useArmBearerPolicy(client.pipeline, this.tokens);
    return client;
  }

  subscriptions(): SubscriptionClient {
    this.subscriptionClient ??= this.withTokenRecovery(new SubscriptionClient(this.credential, this.options()));
    return this.subscriptionClient;
  }

  cosmos(subscriptionId: string): CosmosDBManagementClient {
    let client = this.cosmosClients.get(subscriptionId);
    if (!client) {
      client = this.withTokenRecovery(new CosmosDBManagementClient(this.credential, subscriptionId, this.options()));
      this.cosmosClients.set(subscriptionId, client);
    }
    return client;
  }

  mongoClusters(subscriptionId: string): MongoClusterManagementClient {
    let client = this.mongoClients.get(subscriptionId);
    if (!client) {
      client = this.withTokenRecovery(new MongoClusterManagementClient(this.credential, subscriptionId, this.options()));
      this.mongoClients.set(subscriptionId, client);
    }
    return client;
  }

  /** Worker VMs and their Run Commands. */
  compute(subscriptionId: string): ComputeManagementClient {
    let client = this.computeClients.get(subscriptionId);
    if (!client) {
      client = this.withTokenRecovery(new ComputeManagementClient(this.credential, subscriptionId, this.options()));
      this.computeClients.set(subscriptionId, client);
    }
    return client;
  }

  /** Worker networks: VNets, subnets, NSGs, NAT gateways, NICs. */
  network(subscriptionId: string): NetworkManagementClient {
    let client = this.networkClients.get(subscriptionId);
    if (!client) {
      client = this.withTokenRecovery(new NetworkManagementClient(this.credential, subscriptionId, this.options()));
      this.networkClients.set(subscriptionId, client);
    }
    return client;
  }

  /**
   * A plain JSON call to ARM with the same credential, retries and TLS settings, for resource types
   * without an SDK package (Cosmos DB for PostgreSQL clusters, `serverGroupsv2`).
   */
  async request<T>(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', path: string, apiVersion: string, body?: unknown, signal?: AbortSignal): Promise<{ status: number; body: T; headers: Record<string, string> }> {
    if (!this.genericPipeline) {
      const pipeline = createEmptyPipeline();
      const agent = httpsAgentFor(this.profile);
      if (agent) pipeline.addPolicy(agentPolicy(agent));
      pipeline.addPolicy(exponentialRetryPolicy(RETRY), { phase: 'Retry' });
      pipeline.addPolicy(throttlingRetryPolicy({ maxRetries: RETRY.maxRetries }), { phase: 'Retry' });
      pipeline.addPolicy(this.governor.policy(), { afterPhase: 'Retry' });
      pipeline.addPolicy(armBearerPolicy(this.tokens), { phase: 'Sign' });
      this.genericPipeline = pipeline;
    }
    const url = new URL(path, this.profile.armEndpoint);
    url.searchParams.set('api-version', apiVersion);
    const request = createPipelineRequest({
      url: url.href,
      method,
      headers: createHttpHeaders({ 'Content-Type': 'application/json', Accept: 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      abortSignal: signal,
    });
    const response = await this.genericPipeline.sendRequest(this.httpClient, request);
    const parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as T) : ({} as T);
    if (response.status >= 400) {
      const error = parsed as { error?: { code?: string; message?: string } };
      throw Object.assign(new Error(error.error?.message ?? `HTTP ${response.status}`), { statusCode: response.status, code: error.error?.code, details: parsed });
    }
    return { status: response.status, body: parsed, headers: response.headers.toJSON() };
  }
}
