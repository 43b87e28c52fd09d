import { ArmError, badRequest } from '../arm-error.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { GenericResource } from '../state/types.ts';
import { arr, lroReply, obj, str } from './common.ts';
import { find, notFound, operation, VM_KIND } from './compute-common.ts';

const PATTERN = `${VM_KIND.pattern.replace('{name}', '{vmName}')}/runCommands/{runCommandName}`;
const KIND = { provider: 'Microsoft.Compute' as const, type: 'virtualMachines/runCommands' };
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function vmOf(ctx: ArmContext): GenericResource {
  const id = ctx.req.url.pathname.replace(/\/+$/, '').replace(/\/runCommands(\/[^/]*)?$/i, '');
  ctx.params['name'] ??= ctx.params['vmName'] ?? '';
  return find(ctx, VM_KIND, id);
}

function runCommandOf(ctx: ArmContext): GenericResource {
  vmOf(ctx);
  const r = ctx.env.state.generic.get(ctx.req.url.pathname.replace(/\/+$/, '').toLowerCase());
  if (!r) throw notFound(KIND, `${ctx.params['vmName'] ?? ''}/${ctx.params['runCommandName'] ?? ''}`, ctx.params['resourceGroupName'] ?? '');
  return r;
}

/** Parameters as `{ name, value }` pairs; names become environment variables of the script. */
function variables(list: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of arr(list)) {
    const name = str(obj(item)['name']);
    const value = str(obj(item)['value']);
    if (!name || value === undefined) throw badRequest(`Each of '${field}' needs a name and a value.`, 'InvalidParameter');
    if (!VARIABLE.test(name)) throw badRequest(`Parameter name '${name}' of '${field}' is not a valid environment variable name.`, 'InvalidParameter');
    out[name] = value;
  }
  return out;
}

/** The Run Command as ARM shows it: protected parameters and runAs passwords are never returned. */
function render(ctx: ArmContext, r: GenericResource): unknown {
  if (ctx.req.url.searchParams.get('$expand') !== 'instanceView') return r.body;
  const execution = ctx.env.state.vmHost.execution(r.id) ?? { executionState: 'Pending', executionMessage: '', output: '', error: '' };
  return { ...r.body, properties: { ...obj(r.body['properties']), instanceView: execution } };
}

function put(ctx: ArmContext): EmulatorReply {
  const vm = vmOf(ctx);
  if (vm.body['powerState'] !== 'running') throw new ArmError(409, 'OperationNotAllowed', `Cannot run a command on VM '${vm.name}' because it is not running.`);
  const id = ctx.req.url.pathname.replace(/\/+$/, '');
  const given = obj(ctx.body['properties']);
  const script = str(obj(given['source'])['script']);
  if (!script) throw badRequest('The emulator runs inline scripts only: properties.source.script is required.', 'InvalidParameter');
  const parameters = variables(given['parameters'], 'parameters');
  const protectedParameters = variables(given['protectedParameters'], 'protectedParameters');
  const timeoutInSeconds = Number(given['timeoutInSeconds'] ?? 5400);
  if (!Number.isInteger(timeoutInSeconds) || timeoutInSeconds < 0) throw badRequest('timeoutInSeconds must be a whole number of seconds.', 'InvalidParameter');
  const existing = ctx.env.state.generic.get(id.toLowerCase());
  const { protectedParameters: _hidden, runAsPassword: _password, ...shown } = given;
  const properties: Record<string, unknown> = { ...shown, timeoutInSeconds, provisioningState: 'Creating' };
  const body = { id, name: ctx.params['runCommandName'], type: 'Microsoft.Compute/virtualMachines/runCommands', location: normalizeLocation(str(ctx.body['location']) ?? String(vm.body['location'])), tags: obj(ctx.body['tags']), properties };
  const r: GenericResource = { id, subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, type: KIND.type, name: `${vm.name}/${ctx.params['runCommandName'] ?? ''}`, body };
  ctx.env.state.generic.set(id.toLowerCase(), r);
  const op = operation(
    ctx,
    r,
    { provider: 'Microsoft.Compute', duration: 'runCommand' },
    () => {
      properties['provisioningState'] = 'Succeeded';
      // The script starts once the extension got the command (asyncExecution: the PUT does not wait for its end).
      if (vm.body['powerState'] === 'running' && ctx.env.state.generic.has(vm.id.toLowerCase())) {
        ctx.env.state.vmHost.start(id, vm.id, script, { ...parameters, ...protectedParameters }, timeoutInSeconds, () => new Date(ctx.env.clock.now()));
      }
    },
    () => r.body,
    () => {
      properties['provisioningState'] = 'Failed';
    },
  );
  return lroReply(ctx, op, existing ? 200 : 201, r.body);
}

/** Managed Run Commands (`virtualMachines/runCommands`): create or update, get with instance view, list, delete. */
export function runCommandRoutes(): Route[] {
  const ns = 'Microsoft.Compute/virtualMachines/runCommands';
  return [
    { method: 'PUT', pattern: PATTERN, apiVersions: VM_KIND.versions, action: `${ns}/write`, handle: put },
    { method: 'GET', pattern: PATTERN, apiVersions: VM_KIND.versions, action: `${ns}/read`, handle: (ctx) => ({ status: 200, body: render(ctx, runCommandOf(ctx)) }) },
    {
      method: 'GET',
      pattern: PATTERN.replace('/{runCommandName}', ''),
      apiVersions: VM_KIND.versions,
      action: `${ns}/read`,
      handle: (ctx) => {
        const prefix = `${vmOf(ctx).id.toLowerCase()}/runcommands/`;
        return { status: 200, body: { value: [...ctx.env.state.generic.entries()].filter(([key]) => key.startsWith(prefix)).map(([, r]) => render(ctx, r)) } };
      },
    },
    {
      method: 'DELETE',
      pattern: PATTERN,
      apiVersions: VM_KIND.versions,
      action: `${ns}/delete`,
      handle: (ctx) => {
        const r = runCommandOf(ctx);
        // Deleting a Run Command stops its script.
        ctx.env.state.vmHost.stop(r.id, 'Canceled');
        const op = operation(ctx, r, { provider: 'Microsoft.Compute', duration: 'compute' }, () => {
          ctx.env.state.generic.delete(r.id.toLowerCase());
          ctx.env.state.vmHost.forget(r.id);
        });
        return lroReply(ctx, op, 202);
      },
    },
  ];
}
