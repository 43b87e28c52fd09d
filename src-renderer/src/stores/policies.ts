import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Policy } from '../../../src-main/shared/policy.ts';
import { comparePolicies } from '../logic/policy-summary.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';
import { useLoadState } from './load-state.ts';

/** Policies as the core stores them (read-only in this version of the console). */
export const usePoliciesStore = defineStore('policies', () => {
  const byId = ref<Record<string, Policy>>({});
  const { loading, loaded, error, track } = useLoadState();

  const sorted = computed(() => Object.values(byId.value).sort(comparePolicies));

  function load(): Promise<void> {
    return track(async () => {
      const list = await getClient().invoke('policies.list', {});
      byId.value = Object.fromEntries(list.map((policy) => [policy.id, policy]));
    });
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
