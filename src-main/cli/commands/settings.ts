import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { AppError, describeZodIssues } from '../../shared/errors.ts';
import { SETTING_INFO, SETTING_KEYS, settingsSchema, settingsUpdateSchema, type SettingKey } from '../../shared/settings.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';

function settingKey(value: string): SettingKey {
  if (!(SETTING_KEYS as string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${SETTING_KEYS.join(', ')}.`);
  return value as SettingKey;
}

/** A value as typed on the command line, read strictly by the setting's type. */
function parseValue(key: SettingKey, text: string): unknown {
  const example = settingsSchema.shape[key].parse(undefined);
  if (typeof example === 'string') return text;
  if (typeof example === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new AppError('validation_failed', `${key} must be true or false.`, { field: key });
  }
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) throw new AppError('validation_failed', `${key} must be a number written in decimal digits (${SETTING_INFO[key].unit}).`, { field: key });
  return Number(text);
}

const show = (key: SettingKey, value: unknown) => `${value}${SETTING_INFO[key].unit ? ` ${SETTING_INFO[key].unit}` : ''}`;

/** `settings get [key]`, `settings set <key> <value>`: the app's settings, the ones the console shows. */
export function registerSettings(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const settings = program.command('settings').description('show and change settings (they apply without a restart)');
  settings
    .command('get')
    .description('show every setting, or one')
    .argument('[key]', `one of ${SETTING_KEYS.join(', ')}`, settingKey)
    .action(
      wrap((key?: SettingKey) =>
        withCore(ctx, (core) => {
          const all = core.settings.all();
          if (ctx.globals().json) return void printJson(ctx.io, key ? { [key]: all[key] } : all);
          if (key) return void ctx.io.out(`${show(key, all[key])}\n`);
          printTable(
            ctx.io,
            ['SETTING', 'VALUE', 'DEFAULT', 'MEANING'],
            SETTING_KEYS.map((k) => [k, show(k, all[k]), show(k, settingsSchema.shape[k].parse(undefined)), SETTING_INFO[k].description]),
          );
        }),
      ),
    );
  settings
    .command('set')
    .description('change one setting')
    .argument('<key>', `one of ${SETTING_KEYS.join(', ')}`, settingKey)
    .argument('<value>', 'the new value (numbers in decimal digits, booleans as true or false)')
    .action(
      wrap((key: SettingKey, text: string) =>
        withCore(ctx, (core) => {
          const checked = settingsUpdateSchema.safeParse({ [key]: parseValue(key, text) });
          if (!checked.success) {
            const issue = describeZodIssues(checked.error)[0];
            throw new AppError('validation_failed', `${key} ${issue?.message ?? 'is not valid'}.`, { field: key });
          }
          const updated = core.settings.update(checked.data, core.clock.now().toISOString());
          if (ctx.globals().json) printJson(ctx.io, updated);
          else ctx.io.out(`${SETTING_INFO[key].label}: ${show(key, updated[key])}.\n`);
        }),
      ),
    );
}
