import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../src-main/shared/contract.ts';
import type { ConnectionStatus } from '../transport/transport.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';

/** Application-wide state: what the core says about itself, the connection, and a ticking clock. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const infoError = ref<string | null>(null);
  const connection = ref<ConnectionStatus>({ state: 'connecting', attempt: 0, nextRetryAt: null, reason: null });
  /** Set when the console cannot reach the core at all (no transport); the shell shows only this. */
  const fatalError = ref<string | null>(null);
  /** Epoch ms, advanced every second so running durations and countdowns stay current. */
  const now = ref(Date.now());
  const schedulingBusy = ref(false);
  const schedulingError = ref<string | null>(null);

  async function loadInfo(): Promise<void> {
    try {
      info.value = await getClient().invoke('app.info', {});
      infoError.value = null;
    } catch (error) {
      infoError.value = errorMessage(error);
    }
  }

  async function setSchedulingPaused(paused: boolean): Promise<void> {
    schedulingBusy.value = true;
    schedulingError.value = null;
    try {
      info.value = await getClient().invoke('scheduling.setPaused', { paused });
    } catch (error) {
      schedulingError.value = errorMessage(error);
    } finally {
      schedulingBusy.value = false;
    }
  }

  function tick(at = Date.now()): void {
    now.value = at;
  }

  return { info, infoError, connection, fatalError, now, schedulingBusy, schedulingError, loadInfo, setSchedulingPaused, tick };
});
