import { settingsSchema, SETTING_KEYS, type SettingKey, type Settings, type SettingsUpdate } from '../../shared/settings.ts';
import type { ConfigDb } from './open-database.ts';

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

  /** Every setting's current value. */
  all(): Settings {
    return Object.fromEntries(SETTING_KEYS.map((key) => [key, this.get(key)])) as Settings;
  }

  /** Applies a validated change in one transaction. */
  update(values: SettingsUpdate, now: string): Settings {
    this.db.transaction(() => {
      for (const key of SETTING_KEYS) if (values[key] !== undefined) this.set(key, values[key], now);
    })();
    return this.all();
  }

  /** App-owned state kept next to the settings (not a setting: never listed or set by a user), e.g. when the daily report last went out. */
  getState(key: string): string | null {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(`state:${key}`) as string | undefined) ?? null;
  }

  setState(key: string, value: string, now: string): void {
    this.db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(`state:${key}`, value, now);
  }

  set<K extends SettingKey>(key: K, value: Settings[K], now: string): void {
    const checked = settingsSchema.shape[key].parse(value);
    this.db
      .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, JSON.stringify(checked), now);
  }
}
