import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Policy } from '../../../src-main/shared/policy.ts';
import { comparePolicies } from '../logic/policy-summary.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';

/** Policies as the core stores them (read-only in this version of the console). */
export const usePoliciesStore = defineStore('policies', () => {
  const byId = ref<Record<string, Policy>>({});
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);

  const sorted = computed(() => Object.values(byId.value).sort(comparePolicies));

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const list = await getClient().invoke('policies.list', {});
      byId.value = Object.fromEntries(list.map((policy) => [policy.id, policy]));
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  /** One policy, fetched when it is not known yet; null when it cannot be had (error set). */
  async function fetchOne(id: string): Promise<Policy | null> {
    try {
      const policy = await getClient().invoke('policies.get', { id });
      byId.value = { ...byId.value, [policy.id]: policy };
      error.value = null;
      return policy;
    } catch (e) {
      error.value = errorMessage(e);
      return null;
    }
  }

  return { byId, loading, loaded, error, sorted, load, fetchOne };
});
