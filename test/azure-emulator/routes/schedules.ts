import { badRequest } from '../arm-error.ts';
import type { Route } from '../context.ts';
import { normalizeLocation } from '../state/locations.ts';
import { obj, str } from './common.ts';
import { notFound } from './compute-common.ts';

const PATTERN = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DevTestLab/schedules/{name}';
const KIND = { provider: 'Microsoft.DevTestLab', type: 'schedules' };
const VERSIONS = ['2018-09-15', '2016-05-15'] as const;

/** VM auto-shutdown schedules (`Microsoft.DevTestLab/schedules/shutdown-computevm-<vm>`): synchronous create, read, delete. */
export function scheduleRoutes(): Route[] {
  return [
    {
      method: 'PUT',
      pattern: PATTERN,
      apiVersions: VERSIONS,
      action: 'Microsoft.DevTestLab/schedules/write',
      handle: (ctx) => {
        const { state } = ctx.env;
        const sub = state.subscription(ctx.params['subscriptionId'] ?? '');
        const rg = state.resourceGroup(sub.subscriptionId, ctx.params['resourceGroupName'] ?? '');
        const properties = obj(ctx.body['properties']);
        const time = str(obj(properties['dailyRecurrence'])['time']);
        if (!time || !/^([01]\d|2[0-3])[0-5]\d$/.test(time)) throw badRequest("dailyRecurrence.time must be HHmm.", 'InvalidProperty');
        if (properties['taskType'] !== 'ComputeVmShutdownTask') throw badRequest('taskType must be ComputeVmShutdownTask.', 'InvalidProperty');
        const id = ctx.req.url.pathname.replace(/\/+$/, '');
        const existing = state.generic.has(id.toLowerCase());
        const body = { id, name: ctx.params['name'], type: 'Microsoft.DevTestLab/schedules', location: normalizeLocation(str(ctx.body['location']) ?? rg.location), tags: obj(ctx.body['tags']), properties: { ...properties, provisioningState: 'Succeeded' } };
        state.generic.set(id.toLowerCase(), { id, subscriptionId: sub.subscriptionId, resourceGroup: rg.name, type: 'schedules', name: ctx.params['name'] ?? '', body });
        return { status: existing ? 200 : 201, body };
      },
    },
    {
      method: 'GET',
      pattern: PATTERN,
      apiVersions: VERSIONS,
      action: 'Microsoft.DevTestLab/schedules/read',
      handle: (ctx) => {
        const found = ctx.env.state.generic.get(ctx.req.url.pathname.replace(/\/+$/, '').toLowerCase());
        if (!found) throw notFound(KIND, ctx.params['name'] ?? '', ctx.params['resourceGroupName'] ?? '');
        return { status: 200, body: found.body };
      },
    },
    {
      method: 'DELETE',
      pattern: PATTERN,
      apiVersions: VERSIONS,
      action: 'Microsoft.DevTestLab/schedules/delete',
      handle: (ctx) => {
        const key = ctx.req.url.pathname.replace(/\/+$/, '').toLowerCase();
        const existed = ctx.env.state.generic.delete(key);
        return { status: existed ? 200 : 204 };
      },
    },
  ];
}
