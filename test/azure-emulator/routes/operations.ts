import { ArmError } from '../arm-error.ts';
import { COMPUTE_API_VERSIONS, COSMOS_API_VERSIONS, MONGO_CLUSTER_API_VERSIONS, NETWORK_API_VERSIONS, POSTGRES_CLUSTER_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { Operation } from '../lro.ts';

const ALL_VERSIONS = [...new Set([...COSMOS_API_VERSIONS, ...POSTGRES_CLUSTER_API_VERSIONS, ...MONGO_CLUSTER_API_VERSIONS, ...COMPUTE_API_VERSIONS, ...NETWORK_API_VERSIONS])];
const STATUS_SEGMENTS = ['operationsStatus', 'azureAsyncOperation', 'mongoClusterAzureAsyncOperation', 'operations'];
const RESULT_SEGMENTS = ['operationResults', 'mongoClusterOperationResults'];

function find(ctx: ArmContext): Operation {
  const op = ctx.env.operations.find(ctx.params['operationId'] ?? '');
  if (!op || op.spec.provider.toLowerCase() !== (ctx.params['provider'] ?? '').toLowerCase()) {
    throw new ArmError(404, 'NotFound', `Operation '${ctx.params['operationId'] ?? ''}' was not found.`);
  }
  return op;
}

/** Azure-AsyncOperation (status body) and Location (202 until done, then the result) URLs. */
export function operationRoutes(): Route[] {
  return [...STATUS_SEGMENTS, ...RESULT_SEGMENTS].map((segment) => ({
    method: 'GET' as const,
    pattern: `/subscriptions/{subscriptionId}/providers/{provider}/locations/{location}/${segment}/{operationId}`,
    apiVersions: ALL_VERSIONS,
    action: 'Microsoft.Resources/operations/read',
    handle: (ctx: ArmContext) => {
      const op = find(ctx);
      if (segment.toLowerCase() === op.spec.statusSegment.toLowerCase()) return { status: 200, body: ctx.env.operations.statusBody(op) };
      if (segment.toLowerCase() === op.spec.resultSegment.toLowerCase()) {
        return ctx.env.operations.resultReply(op, ctx.baseUrl, ctx.apiVersion, ctx.env.settings.retryAfterSeconds);
      }
      throw new ArmError(404, 'NotFound', `Operation '${op.id}' was not found.`);
    },
  }));
}
