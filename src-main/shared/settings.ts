import { z } from 'zod';

/**
 * Every setting with its type, limits and default — one schema for the config DB, the CLI
 * (`settings get|set`) and the console's Settings view. Unknown keys are refused; a stored value
 * that no longer fits falls back to the default.
 */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const emailList = z
  .string()
  .max(2000)
  .refine((text) => text === '' || text.split(',').every((address) => /^[^\s@,]+@[^\s@,]+$/.test(address.trim())), 'must be e-mail addresses separated by commas');

export const EMAIL_LEVELS = ['off', 'failures', 'warnings', 'all'] as const;
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export const WORKER_DEFAULTS = ['azure', 'this-computer'] as const;

export const settingsSchema = z.object({
  configurationIntervalHours: z.number().min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (a week)').default(8),
  schedulingPaused: z.boolean().default(false),
  healthCheckSamplePercent: z.number().int('must be a whole number').min(1, 'must be at least 1 %').max(100, 'must be at most 100 %').default(10),
  /** Which ends of scheduled work are e-mailed: off, failures, warnings (and failures), all. */
  emailNotifications: z.enum(EMAIL_LEVELS, { message: `must be one of ${EMAIL_LEVELS.join(', ')}` }).default('off'),
  smtpHost: z.string().max(255).regex(/^[A-Za-z0-9.:[\]-]*$/, 'must be a host name or address').default(''),
  smtpPort: z.number().int('must be a whole number').min(1, 'must be a port from 1 to 65535').max(65535, 'must be a port from 1 to 65535').default(587),
  smtpSecurity: z.enum(SMTP_SECURITY, { message: `must be one of ${SMTP_SECURITY.join(', ')}` }).default('starttls'),
  /** The login of the SMTP server (empty: none); its password is in the secret store. */
  smtpUser: z.string().max(255).default(''),
  emailFrom: emailList.default(''),
  emailTo: emailList.default(''),
  /** When the daily report is sent, HH:MM on this machine's clock (empty: no report). */
  dailyReportTime: z.string().refine((text) => text === '' || TIME_OF_DAY.test(text), 'must be a time of day as HH:MM, or empty').default(''),
  sessionLogRetentionDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days').default(180),
  /** MongoDB backups read at most this many documents per second (0: no limit), so a backup cannot starve the application. */
  mongoMaxDocumentsPerSecond: z.number().int('must be a whole number').min(0, 'must be 0 (no limit) or more').max(10_000_000, 'must be at most 10,000,000').default(0),
  /** Where backups of Azure databases run when their region has no worker configuration: a worker VM in the region, or this computer. */
  workerDefault: z.enum(WORKER_DEFAULTS, { message: `must be one of ${WORKER_DEFAULTS.join(', ')}` }).default('azure'),
  /** The longest a job may run on a worker VM (its Run Command's timeout). */
  workerJobTimeoutHours: z.number().int('must be a whole number of hours').min(1, 'must be at least 1 hour').max(23, 'must be at most 23 hours (the VM’s daily auto-shutdown is the last safety net)').default(12),
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
  emailNotifications: { label: 'E-mail notifications', unit: '', description: 'Which ends of scheduled work are e-mailed: off, failures, warnings (and failures), or all.' },
  smtpHost: { label: 'SMTP server', unit: '', description: 'The mail server that sends notifications and reports.' },
  smtpPort: { label: 'SMTP port', unit: '', description: 'Its port (587 for STARTTLS, 465 for TLS).' },
  smtpSecurity: { label: 'SMTP security', unit: '', description: 'tls (from the first byte), starttls, or none (a server on this machine only).' },
  smtpUser: { label: 'SMTP login', unit: '', description: 'The login at the mail server (empty: none). Its password is kept apart, encrypted.' },
  emailFrom: { label: 'E-mail from', unit: '', description: 'The sender address.' },
  emailTo: { label: 'E-mail to', unit: '', description: 'Recipients, separated by commas.' },
  dailyReportTime: { label: 'Daily report', unit: '', description: 'When the daily report is e-mailed, HH:MM on this machine (empty: no report).' },
  sessionLogRetentionDays: { label: 'Session history', unit: 'days', description: 'Ended sessions and their logs older than this are deleted.' },
  mongoMaxDocumentsPerSecond: {
    label: 'MongoDB read budget',
    unit: 'documents/s',
    description: 'MongoDB backups read at most this many documents per second (0: no limit), so a backup cannot take all of an account’s request units.',
  },
  workerDefault: {
    label: 'Workers',
    unit: '',
    description: 'Where backups of Azure databases run when their region has no worker configuration: azure (a short-lived VM in the database’s region, auto network) or this-computer.',
  },
  workerJobTimeoutHours: { label: 'Worker job limit', unit: 'hours', description: 'The longest a job may run on a worker VM (1 to 23); the VM is released after it whatever happened, and shuts itself down half an hour later if nothing released it.' },
};

/**
 * A change to some settings, validated as a whole (all or nothing). Built without the defaults:
 * `partial()` would keep them, so an update naming one setting would reset every other one.
 */
export type SettingsUpdate = Partial<Settings>;
export const settingsUpdateSchema = z.strictObject(Object.fromEntries(Object.entries(settingsSchema.shape).map(([key, schema]) => [key, schema.unwrap().optional()]))) as unknown as z.ZodType<SettingsUpdate, SettingsUpdate>;
