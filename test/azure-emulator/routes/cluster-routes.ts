import { ArmError } from '../arm-error.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { page } from '../paging.ts';
import type { EmulatorState } from '../state/store.ts';
import { busy, lroReply, obj, startOperation } from './common.ts';

/** What every emulated cluster type has in common. */
export interface ClusterRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  busyWith?: string;
}

/** One cluster resource type (MongoDB vCore, Cosmos DB for PostgreSQL): what differs between them. */
export interface ClusterKind<C extends ClusterRecord> {
  /** e.g. Microsoft.DocumentDB/mongoClusters */
  type: string;
  provider: string;
  apiVersions: readonly string[];
  /** The route parameter naming the cluster. */
  nameParam: string;
  /** Path segments of the operation status and result URLs this RP uses. */
  statusSegment: string;
  resultSegment: string;
  clusters(state: EmulatorState): C[];
  render(cluster: C, now: number): Record<string, unknown>;
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The list/get/lookup and long-running-operation plumbing shared by cluster types. */
export function clusterOperations<C extends ClusterRecord>(kind: ClusterKind<C>) {
  const lookup = (ctx: ArmContext): C => {
    const p = ctx.params;
    const subscriptionId = p['subscriptionId'] ?? '';
    const resourceGroup = p['resourceGroupName'] ?? '';
    const name = p[kind.nameParam] ?? '';
    ctx.env.state.resourceGroup(subscriptionId, resourceGroup);
    const cluster = kind.clusters(ctx.env.state).find((c) => eq(c.subscriptionId, subscriptionId) && eq(c.resourceGroup, resourceGroup) && eq(c.name, name));
    if (!cluster) {
      throw new ArmError(404, 'ResourceNotFound', `The Resource '${kind.type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    }
    return cluster;
  };

  /** Starts an operation on `cluster`; the cluster is busy until it ends. */
  const operation = (ctx: ArmContext, cluster: C, onSuccess: () => void, onFailure: () => void, status: number, body?: unknown): EmulatorReply => {
    const op = startOperation(ctx, {
      subscriptionId: cluster.subscriptionId,
      provider: kind.provider,
      location: cluster.location,
      durationMs: ctx.env.settings.durations.cluster,
      statusSegment: kind.statusSegment,
      resultSegment: kind.resultSegment,
      onSuccess: () => {
        cluster.busyWith = undefined;
        onSuccess();
      },
      onFailure: () => {
        cluster.busyWith = undefined;
        onFailure();
      },
      result: () => (kind.clusters(ctx.env.state).includes(cluster) ? kind.render(cluster, ctx.env.clock.now()) : undefined),
    });
    cluster.busyWith = op.id;
    return lroReply(ctx, op, status, body);
  };

  return { lookup, operation };
}

/** The routes of a cluster type: list (subscription, resource group), get, create/update, delete. */
export function clusterRoutes<C extends ClusterRecord>(kind: ClusterKind<C>, create: (ctx: ArmContext) => EmulatorReply): Route[] {
  const { lookup, operation } = clusterOperations(kind);
  const clusters = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${kind.type}`;
  const cluster = `${clusters}/{${kind.nameParam}}`;
  const read = `${kind.type}/read`;
  const render = (ctx: ArmContext) => (c: C) => kind.render(c, ctx.env.clock.now());
  return [
    {
      method: 'GET',
      pattern: `/subscriptions/{subscriptionId}/providers/${kind.type}`,
      apiVersions: kind.apiVersions,
      action: read,
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        const list = kind.clusters(ctx.env.state).filter((c) => eq(c.subscriptionId, sub.subscriptionId));
        return { status: 200, body: page(ctx, list, render(ctx)) };
      },
    },
    {
      method: 'GET',
      pattern: clusters,
      apiVersions: kind.apiVersions,
      action: read,
      handle: (ctx) => {
        const rg = ctx.env.state.resourceGroup(ctx.params['subscriptionId'] ?? '', ctx.params['resourceGroupName'] ?? '');
        const list = kind.clusters(ctx.env.state).filter((c) => eq(c.subscriptionId, ctx.params['subscriptionId'] ?? '') && eq(c.resourceGroup, rg.name));
        return { status: 200, body: page(ctx, list, render(ctx)) };
      },
    },
    { method: 'GET', pattern: cluster, apiVersions: kind.apiVersions, action: read, handle: (ctx) => ({ status: 200, body: render(ctx)(lookup(ctx)) }) },
    {
      method: 'PUT',
      pattern: cluster,
      apiVersions: kind.apiVersions,
      action: `${kind.type}/write`,
      handle: (ctx) => {
        let existing: C;
        try {
          existing = lookup(ctx);
        } catch (error) {
          if (error instanceof ArmError && error.code === 'ResourceNotFound') return create(ctx);
          throw error;
        }
        if (existing.busyWith && ctx.env.operations.find(existing.busyWith)?.status === 'InProgress') throw busy(existing.name);
        const tags = ctx.body['tags'];
        return operation(ctx, existing, () => {
          if (tags !== undefined) existing.tags = obj(tags) as Record<string, string>;
        }, () => undefined, 200, render(ctx)(existing));
      },
    },
    {
      method: 'DELETE',
      pattern: cluster,
      apiVersions: kind.apiVersions,
      action: `${kind.type}/delete`,
      handle: (ctx) => {
        const c = lookup(ctx);
        const list = kind.clusters(ctx.env.state);
        return operation(ctx, c, () => {
          const i = list.indexOf(c);
          if (i >= 0) list.splice(i, 1);
        }, () => undefined, 202);
      },
    },
  ];
}
