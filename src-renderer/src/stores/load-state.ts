import { ref } from 'vue';
import { errorMessage } from '../transport/client.ts';

/**
 * The loading / loaded / error state of a store that fetches from the core, and the one way to run
 * a fetch under it: `loaded` turns true on the first success, `error` holds the last failure's
 * message until the next success.
 */
export function useLoadState() {
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);

  async function track(fetch: () => Promise<void>): Promise<void> {
    loading.value = true;
    try {
      await fetch();
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  return { loading, loaded, error, track };
}
