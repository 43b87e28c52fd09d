import { z } from 'zod';

/**
 * Every setting with its type, limits and default — one schema for the config DB, the CLI
 * (`settings get|set`) and the console's Settings view. Unknown keys are refused; a stored value
 * that no longer fits falls back to the default.
 */
export const settingsSchema = z.object({
  configurationIntervalHours: z.number().min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (a week)').default(8),
  schedulingPaused: z.boolean().default(false),
  healthCheckSamplePercent: z.number().int('must be a whole number').min(1, 'must be at least 1 %').max(100, 'must be at most 100 %').default(10),
  sessionLogRetentionDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days').default(180),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as SettingKey[];

/** What each setting means, and its unit, for people (CLI listing, console labels). */
export const SETTING_INFO: Record<SettingKey, { label: string; unit: string; description: string }> = {
  configurationIntervalHours: {
    label: 'Configuration interval',
    unit: 'hours',
    description: "How often the configuration session keeps every account's continuous-backup tier equal to its policy.",
  },
  schedulingPaused: { label: 'Scheduling paused', unit: '', description: 'While true, no scheduled work starts; running sessions go on and work can still be started by hand.' },
  healthCheckSamplePercent: { label: 'Health check sample', unit: '%', description: "Share of a repository's packs whose every byte each health check reads; consecutive checks read consecutive shares." },
  sessionLogRetentionDays: { label: 'Session history', unit: 'days', description: 'Ended sessions and their logs older than this are deleted.' },
};

/** A change to some settings, validated as a whole (all or nothing). */
export const settingsUpdateSchema = settingsSchema.partial().strict();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
