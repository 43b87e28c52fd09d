import { randomBytes, randomUUID } from 'node:crypto';
import { ArmError, badRequest } from '../arm-error.ts';
import { COMPUTE_API_VERSIONS, NETWORK_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { GenericResource } from '../state/types.ts';
import { arr, lroReply, obj, startOperation, str } from './common.ts';
import { find, notFound, operation, resourceId, VM_KIND, type Kind } from './compute-common.ts';
import { runCommandRoutes } from './run-commands.ts';

const RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';

/** The VM sizes the emulated resource SKUs list offers in every region (tests restrict some with state.skuRestrictions). */
const VM_SIZES = ['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_D8s_v5', 'Standard_D16s_v5', 'Standard_E2s_v5', 'Standard_E4s_v5', 'Standard_F2s_v2', 'Standard_F4s_v2', 'Standard_F8s_v2'];

const KINDS: Kind[] = [
  VM_KIND,
  { provider: 'Microsoft.Compute', type: 'disks', pattern: `${RG}/Microsoft.Compute/disks/{name}`, versions: COMPUTE_API_VERSIONS, duration: 'compute' },
  { provider: 'Microsoft.Network', type: 'virtualNetworks', pattern: `${RG}/Microsoft.Network/virtualNetworks/{name}`, versions: NETWORK_API_VERSIONS, duration: 'network' },
  { provider: 'Microsoft.Network', type: 'virtualNetworks/subnets', pattern: `${RG}/Microsoft.Network/virtualNetworks/{parent}/subnets/{name}`, versions: NETWORK_API_VERSIONS, duration: 'network' },
  { provider: 'Microsoft.Network', type: 'networkInterfaces', pattern: `${RG}/Microsoft.Network/networkInterfaces/{name}`, versions: NETWORK_API_VERSIONS, duration: 'network' },
  { provider: 'Microsoft.Network', type: 'publicIPAddresses', pattern: `${RG}/Microsoft.Network/publicIPAddresses/{name}`, versions: NETWORK_API_VERSIONS, duration: 'network' },
  { provider: 'Microsoft.Network', type: 'networkSecurityGroups', pattern: `${RG}/Microsoft.Network/networkSecurityGroups/{name}`, versions: NETWORK_API_VERSIONS, duration: 'network' },
  { provider: 'Microsoft.Network', type: 'natGateways', pattern: `${RG}/Microsoft.Network/natGateways/{name}`, versions: NETWORK_API_VERSIONS, duration: 'network' },
];

/** A VNet with its subnets (child resources) listed, as ARM shows it. */
function renderVnet(ctx: ArmContext, r: GenericResource): unknown {
  const prefix = `${r.id.toLowerCase()}/subnets/`;
  const subnets = [...ctx.env.state.generic.entries()].filter(([key]) => key.startsWith(prefix)).map(([, child]) => child.body);
  return { ...r.body, properties: { ...obj(r.body['properties']), subnets } };
}

function render(ctx: ArmContext, kind: Kind, r: GenericResource): unknown {
  return kind.type === 'virtualMachines' ? renderVm(ctx, r) : kind.type === 'virtualNetworks' ? renderVnet(ctx, r) : r.body;
}

/** The VM body with an instance view when asked ($expand=instanceView). */
function renderVm(ctx: ArmContext, r: GenericResource): unknown {
  if (ctx.req.url.searchParams.get('$expand') !== 'instanceView') return r.body;
  const props = obj(r.body['properties']);
  return { ...r.body, properties: { ...props, instanceView: { statuses: [{ code: `ProvisioningState/${String(props['provisioningState']).toLowerCase()}`, level: 'Info' }, { code: `PowerState/${String(r.body['powerState'] ?? 'running')}`, level: 'Info' }] } } };
}

function lookup(ctx: ArmContext, id: string | undefined): GenericResource | undefined {
  return id ? ctx.env.state.generic.get(id.toLowerCase()) : undefined;
}

/** Checks references as ARM does: a NIC's subnet exists and is in the NIC's region; a VM's NICs exist and are in its region. */
function checkReferences(ctx: ArmContext, kind: Kind, id: string, location: string, properties: Record<string, unknown>): void {
  if (kind.type === 'networkInterfaces') {
    for (const config of arr(properties['ipConfigurations'])) {
      const subnetId = str(obj(obj(obj(config)['properties'])['subnet'])['id']) ?? str(obj(obj(config)['subnet'])['id']);
      const subnet = lookup(ctx, subnetId);
      if (!subnet) throw new ArmError(400, 'InvalidResourceReference', `Resource ${subnetId ?? '(none)'} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      const vnet = lookup(ctx, subnet.id.replace(/\/subnets\/[^/]+$/i, ''));
      if (vnet && normalizeLocation(String(vnet.body['location'])) !== location) {
        throw new ArmError(400, 'InvalidResourceReference', `Resource ${subnet.id} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      }
    }
  }
  if (kind.type === 'virtualMachines') {
    for (const nic of arr(obj(properties['networkProfile'])['networkInterfaces'])) {
      const nicId = str(obj(nic)['id']);
      const found = lookup(ctx, nicId);
      if (!found) throw new ArmError(400, 'InvalidParameter', `Network interface ${nicId ?? '(none)'} referenced by the VM does not exist.`);
      if (normalizeLocation(String(found.body['location'])) !== location) throw new ArmError(400, 'NicInUseWithDifferentLocation', `Network interface ${nicId} is in location ${String(found.body['location'])}, not ${location}.`);
    }
  }
}

/** A VM creation: quota and SKU refusals answer the request; allocation failures end the operation Failed. */
function vmFault(ctx: ArmContext, properties: Record<string, unknown>): { code: string; message: string } | undefined {
  const size = str(obj(properties['hardwareProfile'])['vmSize']);
  if (!size) throw badRequest("Required parameter 'hardwareProfile.vmSize' is missing (null).", 'InvalidParameter');
  const zone = str(arr(ctx.body['zones'])[0]);
  const fault = ctx.env.state.takeVmCreateFault(size, zone);
  if (!fault) return undefined;
  if (!fault.async) throw new ArmError(fault.status, fault.code, fault.message);
  return { code: fault.code, message: fault.message };
}

function put(ctx: ArmContext, kind: Kind): EmulatorReply {
  const { state } = ctx.env;
  const sub = state.subscription(ctx.params['subscriptionId'] ?? '');
  const rg = state.resourceGroup(sub.subscriptionId, ctx.params['resourceGroupName'] ?? '');
  const id = resourceId(ctx);
  const existing = state.generic.get(id.toLowerCase());
  if (kind.type === 'virtualNetworks/subnets' && !lookup(ctx, id.replace(/\/subnets\/[^/]+$/i, ''))) throw notFound({ provider: 'Microsoft.Network', type: 'virtualNetworks' }, ctx.params['parent'] ?? '', rg.name);
  const parentLocation = kind.type === 'virtualNetworks/subnets' ? String(lookup(ctx, id.replace(/\/subnets\/[^/]+$/i, ''))?.body['location'] ?? rg.location) : undefined;
  const location = str(ctx.body['location']) ?? parentLocation;
  if (!location) throw badRequest("The 'location' property is required.", 'LocationRequired');
  state.checkLocationAllowed(sub.subscriptionId, location);
  const given = obj(ctx.body['properties']);
  checkReferences(ctx, kind, id, normalizeLocation(location), given);
  const failure = kind.type === 'virtualMachines' && !existing ? vmFault(ctx, given) : undefined;
  const properties: Record<string, unknown> = { ...given, provisioningState: kind.provider === 'Microsoft.Compute' ? 'Creating' : 'Updating' };
  if (kind.type === 'virtualMachines' && !existing) {
    // NICs declared inline (networkInterfaceConfigurations) are made with the VM, as Azure does.
    const network = obj(properties['networkProfile']);
    const made: Record<string, unknown>[] = [];
    for (const config of arr(network['networkInterfaceConfigurations'])) {
      const c = { ...obj(config), ...obj(obj(config)['properties']) };
      const nicName = str(c['name']);
      if (!nicName) throw badRequest('Each network interface configuration needs a name.', 'InvalidParameter');
      const nicId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg.name}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
      const ipConfigurations = arr(c['ipConfigurations']).map((ip) => ({ name: str(obj(ip)['name']) ?? 'ipconfig1', properties: { subnet: obj({ ...obj(ip), ...obj(obj(ip)['properties']) }['subnet']) } }));
      checkReferences(ctx, { ...kind, type: 'networkInterfaces' }, nicId, normalizeLocation(location), { ipConfigurations });
      state.generic.set(nicId.toLowerCase(), {
        id: nicId,
        subscriptionId: sub.subscriptionId,
        resourceGroup: rg.name,
        type: 'networkInterfaces',
        name: nicName,
        body: { id: nicId, name: nicName, type: 'Microsoft.Network/networkInterfaces', location: normalizeLocation(location), tags: obj(ctx.body['tags']), properties: { ipConfigurations, provisioningState: 'Succeeded' } },
      });
      made.push({ id: nicId, properties: { primary: c['primary'] === true, deleteOption: str(c['deleteOption']) ?? 'Detach' } });
    }
    if (made.length) properties['networkProfile'] = { ...network, networkInterfaces: made };
  }
  if (kind.type === 'virtualMachines') {
    properties['vmId'] = existing ? obj(existing.body['properties'])['vmId'] : randomUUID();
    properties['timeCreated'] = existing ? obj(existing.body['properties'])['timeCreated'] : new Date(ctx.env.clock.now()).toISOString();
    // The OS disk is a resource of its own, made with the VM; secrets never go in its name or tags.
    const storage = obj(properties['storageProfile']);
    const osDisk = obj(storage['osDisk']);
    const diskName = str(osDisk['name']) ?? `${ctx.params['name'] ?? 'vm'}_OsDisk_1_${randomBytes(16).toString('hex')}`;
    const diskId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg.name}/providers/Microsoft.Compute/disks/${diskName}`;
    properties['storageProfile'] = { ...storage, osDisk: { ...osDisk, name: diskName, managedDisk: { ...obj(osDisk['managedDisk']), id: diskId } } };
    if (!existing) {
      state.generic.set(diskId.toLowerCase(), {
        id: diskId,
        subscriptionId: sub.subscriptionId,
        resourceGroup: rg.name,
        type: 'disks',
        name: diskName,
        body: { id: diskId, name: diskName, type: 'Microsoft.Compute/disks', location: normalizeLocation(location), tags: obj(ctx.body['tags']), properties: { diskSizeGB: 30, provisioningState: 'Succeeded', diskState: 'Attached' } },
      });
    }
  }
  if (kind.type === 'publicIPAddresses') properties['ipAddress'] = '20.0.0.' + String(1 + (state.generic.size % 250));
  if (kind.type === 'networkInterfaces') {
    properties['ipConfigurations'] = arr(properties['ipConfigurations']).map((c, i) => ({ ...obj(c), properties: { privateIPAddress: `10.0.0.${4 + i}`, ...obj(obj(c)['properties']) } }));
  }
  const body: Record<string, unknown> = {
    id,
    name: ctx.params['name'],
    type: `${kind.provider}/${kind.type}`,
    location: normalizeLocation(location),
    tags: obj(ctx.body['tags']),
    ...(ctx.body['zones'] ? { zones: arr(ctx.body['zones']).map(String) } : {}),
    properties,
    ...(kind.type === 'virtualMachines' ? { powerState: existing ? existing.body['powerState'] : 'starting' } : {}),
  };
  const r: GenericResource = { id, subscriptionId: sub.subscriptionId, resourceGroup: rg.name, type: kind.type, name: ctx.params['name'] ?? '', body };
  state.generic.set(id.toLowerCase(), r);
  if (kind.type === 'virtualNetworks') {
    // Subnets given inline become child resources, as in Azure (the VNet body lists them from there).
    for (const subnet of arr(properties['subnets'])) {
      const name = str(obj(subnet)['name']);
      if (!name) throw badRequest('Each subnet needs a name.', 'InvalidRequestFormat');
      const subnetId = `${id}/subnets/${name}`;
      state.generic.set(subnetId.toLowerCase(), {
        id: subnetId,
        subscriptionId: sub.subscriptionId,
        resourceGroup: rg.name,
        type: 'virtualNetworks/subnets',
        name,
        body: { id: subnetId, name, type: 'Microsoft.Network/virtualNetworks/subnets', location: normalizeLocation(location), properties: { ...obj(obj(subnet)['properties']), provisioningState: 'Succeeded' } },
      });
    }
    delete properties['subnets'];
  }
  const previous = existing;
  const op = startOperation(ctx, {
    subscriptionId: r.subscriptionId,
    provider: kind.provider,
    location: normalizeLocation(location),
    durationMs: ctx.env.settings.durations[existing && kind.type === 'virtualMachines' ? 'compute' : kind.duration],
    statusSegment: 'operations',
    resultSegment: 'operationResults',
    onSuccess: () => {
      properties['provisioningState'] = 'Succeeded';
      if (kind.type === 'virtualMachines' && body['powerState'] === 'starting') body['powerState'] = 'running';
    },
    onFailure: () => {
      properties['provisioningState'] = 'Failed';
      // A VM whose allocation failed is left Failed, as Azure leaves it: the caller deletes it.
      if (kind.type === 'virtualMachines' && !previous) body['powerState'] = 'stopped';
    },
    result: () => render(ctx, kind, r),
  });
  if (failure) Object.assign(op.spec, { failure });
  return lroReply(ctx, op, existing ? 200 : 201, render(ctx, kind, r));
}

function crud(kind: Kind): Route[] {
  const ns = `${kind.provider}/${kind.type}`;
  const routes: Route[] = [
    { method: 'GET', pattern: kind.pattern, apiVersions: kind.versions, action: `${ns}/read`, handle: (ctx) => ({ status: 200, body: render(ctx, kind, find(ctx, kind)) }) },
    {
      method: 'DELETE',
      pattern: kind.pattern,
      apiVersions: kind.versions,
      action: `${ns}/delete`,
      handle: (ctx) => {
        const r = find(ctx, kind);
        if (kind.type === 'virtualMachines') {
          ctx.env.state.vmHost.stopVm(r.id, 'Canceled');
          r.body['powerState'] = 'deallocating';
        }
        const op = operation(ctx, r, { provider: kind.provider, duration: kind.type === 'virtualMachines' || kind.type === 'disks' ? 'compute' : 'network' }, () => ctx.env.state.deleteGeneric(r.id));
        return lroReply(ctx, op, 202);
      },
    },
    {
      method: 'GET',
      pattern: kind.pattern.replace(/\/\{name\}$/, ''),
      apiVersions: kind.versions,
      action: `${ns}/read`,
      handle: (ctx) => {
        const prefix = resourceId(ctx).toLowerCase() + '/';
        const value = [...ctx.env.state.generic.entries()].filter(([key, r]) => key.startsWith(prefix) && r.type === kind.type).map(([, r]) => render(ctx, kind, r));
        return { status: 200, body: { value } };
      },
    },
  ];
  if (kind.type !== 'disks') routes.push({ method: 'PUT', pattern: kind.pattern, apiVersions: kind.versions, action: `${ns}/write`, handle: (ctx) => put(ctx, kind) });
  return routes;
}

function vmAction(action: 'start' | 'deallocate' | 'powerOff' | 'restart'): Route {
  return {
    method: 'POST',
    pattern: `${VM_KIND.pattern}/${action}`,
    apiVersions: VM_KIND.versions,
    action: `Microsoft.Compute/virtualMachines/${action}/action`,
    handle: (ctx) => {
      const r = find(ctx, VM_KIND);
      // Whatever ran on the VM stops with it (a deallocated VM keeps only its disk).
      if (action !== 'start') ctx.env.state.vmHost.stopVm(r.id, 'Failed');
      r.body['powerState'] = action === 'start' ? 'starting' : action === 'deallocate' ? 'deallocating' : action === 'powerOff' ? 'stopping' : 'running';
      const op = operation(ctx, r, { provider: 'Microsoft.Compute', duration: action === 'start' ? 'vmStart' : 'compute' }, () => {
        r.body['powerState'] = action === 'deallocate' ? 'deallocated' : action === 'powerOff' ? 'stopped' : 'running';
      });
      return lroReply(ctx, op, 202);
    },
  };
}

/** Compute and network stand-ins for worker VMs: VMs (power actions, action and managed Run Commands), disks, VNets, subnets, NICs, public IPs, NSGs, NAT gateways. */
export function computeRoutes(): Route[] {
  const runCommandAction: Route = {
    method: 'POST',
    pattern: `${VM_KIND.pattern}/runCommand`,
    apiVersions: VM_KIND.versions,
    action: 'Microsoft.Compute/virtualMachines/runCommand/action',
    handle: (ctx) => {
      const r = find(ctx, VM_KIND);
      if (r.body['powerState'] !== 'running') throw new ArmError(409, 'OperationNotAllowed', `Cannot run a command on VM '${r.name}' because it is not running.`);
      const script = arr(ctx.body['script']).map(String);
      let output = { stdout: '', stderr: '' };
      const op = operation(
        ctx,
        r,
        { provider: 'Microsoft.Compute', duration: 'compute' },
        () => {
          output = ctx.env.state.runCommandHandler(r.id, script);
        },
        () => ({
          value: [
            { code: 'ComponentStatus/StdOut/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: output.stdout },
            { code: 'ComponentStatus/StdErr/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: output.stderr },
          ],
        }),
      );
      return lroReply(ctx, op, 202);
    },
  };
  const listAllVms: Route = {
    method: 'GET',
    pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachines',
    apiVersions: VM_KIND.versions,
    action: 'Microsoft.Compute/virtualMachines/read',
    handle: (ctx) => {
      const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
      const value = [...ctx.env.state.generic.values()].filter((r) => r.type === 'virtualMachines' && r.subscriptionId.toLowerCase() === sub.subscriptionId.toLowerCase()).map((r) => renderVm(ctx, r));
      return { status: 200, body: { value } };
    },
  };
  const skus: Route = {
    method: 'GET',
    pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/skus',
    apiVersions: ['2021-07-01', ...VM_KIND.versions],
    action: 'Microsoft.Compute/skus/read',
    handle: (ctx) => {
      ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
      const filter = ctx.req.url.searchParams.get('$filter') ?? '';
      const location = /location eq '([^']+)'/i.exec(filter)?.[1];
      const locations = location ? [normalizeLocation(location)] : ['westeurope', 'northeurope', 'eastus', 'westus'];
      const value = locations.flatMap((loc) =>
        VM_SIZES.map((size) => {
          const restricted = ctx.env.state.skuRestrictions.some((r) => r.size.toLowerCase() === size.toLowerCase() && normalizeLocation(r.location) === loc);
          return {
            resourceType: 'virtualMachines',
            name: size,
            tier: 'Standard',
            size: size.replace(/^Standard_/, ''),
            locations: [loc],
            locationInfo: [{ location: loc, zones: ['1', '2', '3'] }],
            restrictions: restricted ? [{ type: 'Location', values: [loc], restrictionInfo: { locations: [loc] }, reasonCode: 'NotAvailableForSubscription' }] : [],
          };
        }),
      );
      return { status: 200, body: { value } };
    },
  };
  return [...KINDS.flatMap(crud), listAllVms, skus, vmAction('start'), vmAction('deallocate'), vmAction('powerOff'), vmAction('restart'), runCommandAction, ...runCommandRoutes()];
}
