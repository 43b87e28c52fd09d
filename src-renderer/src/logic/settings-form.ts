import { EMAIL_LEVELS, SETTING_INFO, SMTP_SECURITY, WORKER_DEFAULTS, settingsSchema, settingsUpdateSchema, type SettingKey, type Settings, type SettingsUpdate } from '../../../src-main/shared/settings.ts';

/** How a setting is edited: a number typed in decimal, free text, or one of a few choices. Pure. */
export type SettingControl = { kind: 'number' } | { kind: 'text' } | { kind: 'choice'; options: readonly string[] };

const CHOICES: Partial<Record<SettingKey, readonly string[]>> = { emailNotifications: EMAIL_LEVELS, smtpSecurity: SMTP_SECURITY, workerDefault: WORKER_DEFAULTS };

export function controlOf(key: SettingKey): SettingControl {
  const choices = CHOICES[key];
  if (choices) return { kind: 'choice', options: choices };
  return typeof settingsSchema.shape[key].parse(undefined) === 'number' ? { kind: 'number' } : { kind: 'text' };
}

/** The choices of a setting edited with a select (none for the others). */
export function choicesOf(key: SettingKey): readonly string[] {
  return CHOICES[key] ?? [];
}

/** The form's text for each setting. */
export function draftOf(keys: readonly SettingKey[], values: Settings): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, String(values[key])]));
}

/** The change the form asks for, checked by the core's schema; errors per setting in words for people. */
export function settingsChange(keys: readonly SettingKey[], draft: Record<string, string>): { update: SettingsUpdate | null; errors: Partial<Record<SettingKey, string>> } {
  const update: Record<string, unknown> = {};
  const errors: Partial<Record<SettingKey, string>> = {};
  for (const key of keys) {
    const text = (draft[key] ?? '').trim();
    if (controlOf(key).kind !== 'number') update[key] = text;
    else if (/^[0-9]+(\.[0-9]+)?$/.test(text)) update[key] = Number(text);
    else errors[key] = `Enter a number${SETTING_INFO[key].unit ? ` of ${SETTING_INFO[key].unit}` : ''}.`;
  }
  const checked = settingsUpdateSchema.safeParse(update);
  if (!checked.success) for (const issue of checked.error.issues) errors[issue.path[0] as SettingKey] ??= `${SETTING_INFO[issue.path[0] as SettingKey].label} ${issue.message}.`;
  return { update: Object.keys(errors).length ? null : checked.data!, errors };
}
