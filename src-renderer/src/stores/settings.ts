import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Settings, SettingsUpdate } from '../../../src-main/shared/settings.ts';
import { getClient } from './client.ts';
import { useLoadState } from './load-state.ts';

/** The app's settings as the core holds them; a save applies at once (no restart). */
export const useSettingsStore = defineStore('settings', () => {
  const values = ref<Settings | null>(null);
  const { loading, loaded, error, track } = useLoadState();

  function load(): Promise<void> {
    return track(async () => {
      values.value = await getClient().invoke('settings.get', {});
    });
  }

  /** Saves a change (all or nothing). Throws a ClientError when the core refuses it. */
  async function save(change: SettingsUpdate): Promise<Settings> {
    const updated = await getClient().invoke('settings.update', { values: change });
    values.value = updated;
    return updated;
  }

  return { values, loading, loaded, error, load, save };
});
