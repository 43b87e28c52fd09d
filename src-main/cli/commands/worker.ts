import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { WorkerConfiguration, WorkerConfigurationInput } from '../../shared/workers.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import { EXIT_FAILURE, EXIT_OK, type ActionWrapper } from '../exit-codes.ts';
import { runAndFollow } from '../follow-session.ts';
import { printJson, printTable } from '../output.ts';
import { setTimeout as delay } from 'node:timers/promises';

/** How long `worker list` waits for the regions' current prices. */
const PRICES_WAIT_MS = 2_000;

interface ConfigOptions {
  region: string;
  kind?: 'azure' | 'this-computer';
  subnet?: string;
  resourceGroup?: string;
  size?: string[];
  tag?: string[];
  keepWarm?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function tagPair(value: string, previous: string[] = []): string[] {
  if (!/^[^=]+=.*$/.test(value)) throw new InvalidArgumentError('must be NAME=VALUE.');
  return [...previous, value];
}

function inputOf(name: string, options: ConfigOptions): WorkerConfigurationInput {
  const keepWarm = options.keepWarm === undefined ? undefined : Number(options.keepWarm);
  return {
    name,
    region: options.region,
    kind: options.kind ?? (options.subnet ? 'azure' : 'this-computer'),
    ...(options.subnet ? { subnetId: options.subnet } : {}),
    ...(options.resourceGroup ? { resourceGroup: options.resourceGroup } : {}),
    vmSizes: options.size ?? [],
    tags: Object.fromEntries((options.tag ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    ...(keepWarm !== undefined ? { keepWarmMinutes: keepWarm } : {}),
  };
}

function describeConfiguration(config: WorkerConfiguration, sizes: string[]): string {
  const lines = [
    `Worker configuration "${config.name}" (${config.id})`,
    `  region:         ${config.region}`,
    `  runs jobs on:   ${config.kind === 'azure' ? 'worker VMs in your subnet' : 'this computer'}`,
  ];
  if (config.kind === 'azure') {
    lines.push(`  subnet:         ${config.subnetId ?? ''}`, `  resource group: ${config.resourceGroup ?? ''} (VMs and NICs)`, `  VM sizes:       ${sizes.join(', ')}${config.vmSizes.length ? '' : ' (default)'}`);
    lines.push(`  tags:           ${Object.entries(config.tags).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`, `  keep warm:      ${config.keepWarmMinutes ? `${config.keepWarmMinutes} min` : 'no (deleted after each job)'}`);
  }
  return lines.join('\n') + '\n';
}

/** `worker config add|list|show|remove`, `worker list`, `worker release`: where jobs run and the worker VMs the app made. */
export function registerWorker(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const worker = program.command('worker').description('worker configurations (where each region’s jobs run) and worker VMs');
  const config = worker.command('config').description('worker configurations: one per Azure region (a region without one follows the workerDefault setting)');
  const addOptions = (command: Command) =>
    command
      .requiredOption('--region <name>', 'the Azure region, e.g. westeurope')
      .option('--kind <kind>', 'azure (VMs in --subnet) or this-computer (default: azure with --subnet, else this-computer)', (value: string) => {
        if (value !== 'azure' && value !== 'this-computer') throw new InvalidArgumentError('must be azure or this-computer.');
        return value;
      })
      .option('--subnet <id>', 'the subnet worker VMs use (its VNet must be in the region)')
      .option('--resource-group <name>', 'where worker VMs and NICs are created (default: the subnet’s)')
      .option('--size <size>', 'a VM size, small to large; repeat for several (default Standard_D2s_v5, Standard_D4s_v5, Standard_D8s_v5)', collect)
      .option('--tag <name=value>', 'a tag for worker VMs, disks and NICs; repeat for several', tagPair)
      .option('--keep-warm <minutes>', 'keep a released worker deallocated for reuse this long (default 0: delete it)');
  addOptions(config.command('add').description('add a worker configuration (the subnet is checked with Azure first)').argument('<name>'))
    .action(
      wrap((name: string, options: ConfigOptions) =>
        withCore(ctx, async (core) => {
          const saved = await core.workersService.save(inputOf(name, options));
          if (ctx.globals().json) return void printJson(ctx.io, saved);
          ctx.io.out(describeConfiguration(saved, core.workersService.sizesOf(saved)));
        }),
      ),
    );
  addOptions(config.command('set').description('replace a worker configuration').argument('<name>'))
    .action(
      wrap((name: string, options: ConfigOptions) =>
        withCore(ctx, async (core) => {
          const saved = await core.workersService.save(inputOf(name, options), name);
          if (ctx.globals().json) return void printJson(ctx.io, saved);
          ctx.io.out(describeConfiguration(saved, core.workersService.sizesOf(saved)));
        }),
      ),
    );
  config
    .command('list')
    .description('list worker configurations')
    .action(
      wrap(() =>
        withCore(ctx, (core) => {
          const configs = core.workersService.listConfigurations();
          if (ctx.globals().json) return void printJson(ctx.io, configs);
          if (!configs.length) return void ctx.io.out(`No worker configurations: every region follows the workerDefault setting (${core.settings.get('workerDefault')}).\n`);
          printTable(ctx.io, ['NAME', 'REGION', 'RUNS ON', 'SIZES', 'KEEP WARM'], configs.map((c) => [c.name, c.region, c.kind === 'azure' ? 'VMs in your subnet' : 'this computer', c.kind === 'azure' ? core.workersService.sizesOf(c).join(', ') : '—', c.keepWarmMinutes ? `${c.keepWarmMinutes} min` : 'no']));
        }),
      ),
    );
  config
    .command('show')
    .description('show one worker configuration')
    .argument('<name>')
    .action(
      wrap((name: string) =>
        withCore(ctx, (core) => {
          const found = core.workersService.configuration(name);
          if (ctx.globals().json) return void printJson(ctx.io, found);
          ctx.io.out(describeConfiguration(found, core.workersService.sizesOf(found)));
        }),
      ),
    );
  config
    .command('remove')
    .description('remove a worker configuration (its region then follows the workerDefault setting)')
    .argument('<name>')
    .action(
      wrap((name: string) =>
        withCore(ctx, (core) => {
          const removed = core.workersService.remove(name);
          ctx.io.out(`Worker configuration "${removed.name}" is removed; ${removed.region} now follows the workerDefault setting (${core.settings.get('workerDefault')}).\n`);
        }),
      ),
    );
  worker
    .command('list')
    .description('worker VMs: live ones, then the most recent released ones')
    .action(
      wrap(() =>
        withCore(ctx, async (core) => {
          // The list answers with what is known; a command run once reads its regions' prices first,
          // for two seconds at most (then the bundled table, saying so).
          const regions = [...new Set(core.workersService.listWorkers().map((w) => w.region))];
          await Promise.race([Promise.all(regions.map((region) => core.prices.current(region))), delay(PRICES_WAIT_MS, undefined, { ref: false })]);
          const workers = core.workersService.listWorkers();
          if (ctx.globals().json) return void printJson(ctx.io, workers);
          if (!workers.length) return void ctx.io.out('No worker VM was ever created.\n');
          printTable(
            ctx.io,
            ['VM', 'REGION', 'SIZE', 'STATE', 'CREATED (UTC)', 'COST/HOUR', 'NOTE'],
            workers.map((w) => [w.id, w.region, w.size ?? '—', w.state, w.createdAt.replace('T', ' ').slice(0, 19), w.hourlyUsd === null ? '—' : `≈ $${w.hourlyUsd.toFixed(3)}`, w.note ?? '']),
          );
          const sources = [...new Set(workers.map((w) => w.pricesFrom).filter((from): from is string => from !== null))];
          if (sources.length) ctx.io.out(`Pay-as-you-go list prices (USD): ${sources.join('; ')}.\n`);
        }),
      ),
    );
  worker
    .command('release')
    .description('delete a worker VM now, with its disk and NIC (a job still running on it fails)')
    .argument('<vm>', 'the worker VM’s name (see `worker list`)')
    .action(
      wrap((id: string) =>
        withCore(ctx, async (core) => {
          const session = await runAndFollow(core, core.workersService.release(id), ctx.io, ctx.globals().json === true);
          if (ctx.globals().json) printJson(ctx.io, session);
          else ctx.io.out(`${session.summary ?? session.status}\n`);
          return session.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
        }),
      ),
    );
  worker
    .command('sweep')
    .description('release now what workers left behind (kept-warm VMs past their window, VMs whose job is gone, tagged VMs nobody knows, idle auto networks) and collect results of jobs that outlived the app')
    .action(
      wrap(() =>
        withCore(ctx, async (core) => {
          const session = await runAndFollow(core, core.workersService.startSweep('by hand'), ctx.io, ctx.globals().json === true);
          if (ctx.globals().json) printJson(ctx.io, session);
          else ctx.io.out(`${session.summary ?? session.status}\n`);
          return session.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
        }),
      ),
    );
}
