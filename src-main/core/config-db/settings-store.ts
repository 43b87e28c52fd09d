import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';

/** Every setting with its type and default. Unknown keys in the DB are ignored; bad values fall back to the default. */
export const settingsSchema = z.object({
  configurationIntervalHours: z.number().min(1).max(168).default(8),
  schedulingPaused: z.boolean().default(false),
  sessionLogRetentionDays: z.number().int().min(1).max(3650).default(180),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

/** Key/value settings stored as JSON. */
export class SettingsStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    const field = settingsSchema.shape[key];
    const parsed = field.safeParse(raw === undefined ? undefined : JSON.parse(raw));
    return (parsed.success ? parsed.data : field.parse(undefined)) as Settings[K];
  }

  set<K extends SettingKey>(key: K, value: Settings[K], now: string): void {
    const checked = settingsSchema.shape[key].parse(value);
    this.db
      .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, JSON.stringify(checked), now);
  }
}
