import { randomUUID } from 'node:crypto';
import { ArmError, badRequest } from '../arm-error.ts';
import { COMPUTE_API_VERSIONS, NETWORK_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { GenericResource } from '../state/types.ts';
import { arr, lroReply, obj, startOperation, str } from './common.ts';

const RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';

/** One minimal resource type: its ARM type, path below the resource group, and provider. */
interface Kind {
  provider: 'Microsoft.Compute' | 'Microsoft.Network';
  type: string; // e.g. virtualNetworks or virtualNetworks/subnets
  pattern: string;
  versions: readonly string[];
}

const KINDS: Kind[] = [
  { provider: 'Microsoft.Compute', type: 'virtualMachines', pattern: `${RG}/Microsoft.Compute/virtualMachines/{name}`, versions: COMPUTE_API_VERSIONS },
  { provider: 'Microsoft.Network', type: 'virtualNetworks', pattern: `${RG}/Microsoft.Network/virtualNetworks/{name}`, versions: NETWORK_API_VERSIONS },
  { provider: 'Microsoft.Network', type: 'virtualNetworks/subnets', pattern: `${RG}/Microsoft.Network/virtualNetworks/{parent}/subnets/{name}`, versions: NETWORK_API_VERSIONS },
  { provider: 'Microsoft.Network', type: 'networkInterfaces', pattern: `${RG}/Microsoft.Network/networkInterfaces/{name}`, versions: NETWORK_API_VERSIONS },
  { provider: 'Microsoft.Network', type: 'publicIPAddresses', pattern: `${RG}/Microsoft.Network/publicIPAddresses/{name}`, versions: NETWORK_API_VERSIONS },
  { provider: 'Microsoft.Network', type: 'networkSecurityGroups', pattern: `${RG}/Microsoft.Network/networkSecurityGroups/{name}`, versions: NETWORK_API_VERSIONS },
];

/** The resource's id: the request path without a trailing action (start, runCommand, ...). */
function resourceId(ctx: ArmContext): string {
  return ctx.req.url.pathname.replace(/\/+$/, '').replace(/\/(start|deallocate|powerOff|restart|runCommand)$/i, '');
}

function find(ctx: ArmContext, kind: Kind): GenericResource {
  ctx.env.state.resourceGroup(ctx.params['subscriptionId'] ?? '', ctx.params['resourceGroupName'] ?? '');
  const r = ctx.env.state.generic.get(resourceId(ctx).toLowerCase());
  if (!r) throw new ArmError(404, 'ResourceNotFound', `The Resource '${kind.provider}/${kind.type}/${ctx.params['name'] ?? ''}' under resource group '${ctx.params['resourceGroupName'] ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  return r;
}

function operation(ctx: ArmContext, r: GenericResource, kind: Kind, onSuccess: () => void, result?: () => unknown) {
  return startOperation(ctx, {
    subscriptionId: r.subscriptionId,
    provider: kind.provider,
    location: normalizeLocation(String(r.body['location'] ?? 'westus')),
    durationMs: ctx.env.settings.durations.compute,
    statusSegment: 'operations',
    resultSegment: 'operationResults',
    onSuccess,
    result,
  });
}

/** The VM body with an instance view when asked ($expand=instanceView). */
function renderVm(ctx: ArmContext, r: GenericResource): unknown {
  if (ctx.req.url.searchParams.get('$expand') !== 'instanceView') return r.body;
  const props = obj(r.body['properties']);
  return { ...r.body, properties: { ...props, instanceView: { statuses: [{ code: `ProvisioningState/${String(props['provisioningState']).toLowerCase()}`, level: 'Info' }, { code: `PowerState/${String(r.body['powerState'] ?? 'running')}`, level: 'Info' }] } } };
}

function put(ctx: ArmContext, kind: Kind): EmulatorReply {
  const { state } = ctx.env;
  const sub = state.subscription(ctx.params['subscriptionId'] ?? '');
  const rg = state.resourceGroup(sub.subscriptionId, ctx.params['resourceGroupName'] ?? '');
  const id = resourceId(ctx);
  const existing = state.generic.get(id.toLowerCase());
  const location = str(ctx.body['location']) ?? (kind.type === 'virtualNetworks/subnets' ? rg.location : undefined);
  if (!location) throw badRequest("The 'location' property is required.", 'LocationRequired');
  state.checkLocationAllowed(sub.subscriptionId, location);
  const properties: Record<string, unknown> = { ...obj(ctx.body['properties']), provisioningState: kind.provider === 'Microsoft.Compute' ? 'Creating' : 'Updating' };
  if (kind.type === 'virtualMachines') properties['vmId'] = existing ? obj(existing.body['properties'])['vmId'] : randomUUID();
  if (kind.type === 'publicIPAddresses') properties['ipAddress'] = '20.0.0.' + String(1 + state.generic.size % 250);
  if (kind.type === 'networkInterfaces') {
    properties['ipConfigurations'] = arr(properties['ipConfigurations']).map((c, i) => ({ ...obj(c), properties: { privateIPAddress: `10.0.0.${4 + i}`, ...obj(obj(c)['properties']) } }));
  }
  const body: Record<string, unknown> = { id, name: ctx.params['name'], type: `${kind.provider}/${kind.type}`, location: normalizeLocation(location), tags: obj(ctx.body['tags']), properties, ...(kind.type === 'virtualMachines' ? { powerState: 'running' } : {}) };
  const r: GenericResource = { id, subscriptionId: sub.subscriptionId, resourceGroup: rg.name, type: kind.type, name: ctx.params['name'] ?? '', body };
  state.generic.set(id.toLowerCase(), r);
  const op = operation(ctx, r, kind, () => {
    properties['provisioningState'] = 'Succeeded';
  }, () => r.body);
  return lroReply(ctx, op, existing ? 200 : 201, r.body);
}

function crud(kind: Kind): Route[] {
  const ns = `${kind.provider}/${kind.type}`;
  return [
    { method: 'GET', pattern: kind.pattern, apiVersions: kind.versions, action: `${ns}/read`, handle: (ctx) => ({ status: 200, body: kind.type === 'virtualMachines' ? renderVm(ctx, find(ctx, kind)) : find(ctx, kind).body }) },
    { method: 'PUT', pattern: kind.pattern, apiVersions: kind.versions, action: `${ns}/write`, handle: (ctx) => put(ctx, kind) },
    {
      method: 'DELETE',
      pattern: kind.pattern,
      apiVersions: kind.versions,
      action: `${ns}/delete`,
      handle: (ctx) => {
        const r = find(ctx, kind);
        const op = operation(ctx, r, kind, () => {
          ctx.env.state.generic.delete(r.id.toLowerCase());
        });
        return lroReply(ctx, op, 202);
      },
    },
  ];
}

function vmAction(action: 'start' | 'deallocate' | 'powerOff' | 'restart'): Route {
  const vm = KINDS[0] as Kind;
  return {
    method: 'POST',
    pattern: `${vm.pattern}/${action}`,
    apiVersions: vm.versions,
    action: `Microsoft.Compute/virtualMachines/${action}/action`,
    handle: (ctx) => {
      const r = find(ctx, vm);
      const op = operation(ctx, r, vm, () => {
        r.body['powerState'] = action === 'deallocate' ? 'deallocated' : action === 'powerOff' ? 'stopped' : 'running';
      });
      return lroReply(ctx, op, 202);
    },
  };
}

/** Minimal compute and network stand-ins for worker VMs: VMs (power actions, runCommand), VNets, subnets, NICs, public IPs, NSGs. */
export function computeRoutes(): Route[] {
  const vm = KINDS[0] as Kind;
  const runCommand: Route = {
    method: 'POST',
    pattern: `${vm.pattern}/runCommand`,
    apiVersions: vm.versions,
    action: 'Microsoft.Compute/virtualMachines/runCommand/action',
    handle: (ctx) => {
      const r = find(ctx, vm);
      if (r.body['powerState'] !== 'running') throw new ArmError(409, 'OperationNotAllowed', `Cannot run a command on VM '${r.name}' because it is not running.`);
      const script = arr(ctx.body['script']).map(String);
      let output = { stdout: '', stderr: '' };
      const op = operation(ctx, r, vm, () => {
        output = ctx.env.state.runCommandHandler(r.id, script);
      }, () => ({
        value: [
          { code: 'ComponentStatus/StdOut/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: output.stdout },
          { code: 'ComponentStatus/StdErr/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: output.stderr },
        ],
      }));
      return lroReply(ctx, op, 202);
    },
  };
  return [...KINDS.flatMap(crud), vmAction('start'), vmAction('deallocate'), vmAction('powerOff'), vmAction('restart'), runCommand];
}
