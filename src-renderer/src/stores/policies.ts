import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Policy, PolicyInput } from '../../../src-main/shared/policy.ts';
import type { ChannelOutput, PolicyPreview } from '../../../src-main/shared/contract.ts';
import type { Session } from '../../../src-main/shared/session.ts';

type ScheduleView = ChannelOutput<'schedules.list'>[number];
import { comparePolicies } from '../logic/policy-summary.ts';
import { errorMessage } from '../transport/client.ts';
import { getClient } from './client.ts';
import { useLoadState } from './load-state.ts';

/** Policies as the core stores them, their schedules, and running them now. */
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

  /** Next runs and last result per policy (schedules.list). */
  const schedules = ref<Record<string, ScheduleView>>({});

  async function loadSchedules(): Promise<void> {
    try {
      const list = await getClient().invoke('schedules.list', {});
      schedules.value = Object.fromEntries(list.map((view) => [view.policyId, view]));
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Starts a run now; resolves with its policy session. Throws a ClientError when refused (e.g. still running). */
  async function runNow(id: string): Promise<Session> {
    return getClient().invoke('policies.run', { id });
  }

  /** Saves a policy (new when it has no id); throws a ClientError whose details list the issues per field. */
  async function save(policy: PolicyInput): Promise<Policy> {
    const saved = await getClient().invoke('policies.save', { policy });
    byId.value = { ...byId.value, [saved.id]: saved };
    await loadSchedules();
    return saved;
  }

  /** The core's own check (repositories that exist, every rule); issues name their fields. */
  function validate(policy: unknown): Promise<ChannelOutput<'policies.validate'>> {
    return getClient().invoke('policies.validate', { policy });
  }

  /** The resources a policy being written would cover, and which other policy wins each. */
  function preview(policy: unknown): Promise<PolicyPreview> {
    return getClient().invoke('policies.preview', { policy });
  }

  /** Saves the policies of an imported file, all or nothing (the same id or name replaces). */
  async function importFile(content: unknown): Promise<Policy[]> {
    const saved = await getClient().invoke('policies.import', { policies: content });
    byId.value = { ...byId.value, ...Object.fromEntries(saved.map((policy) => [policy.id, policy])) };
    await loadSchedules();
    return saved;
  }

  /** The file form of policies (all, or the given ids), as `policy export` writes it. */
  function exportFile(ids: string[] = []): Promise<Record<string, unknown>[]> {
    return getClient().invoke('policies.export', { ids });
  }

  async function remove(id: string): Promise<void> {
    await getClient().invoke('policies.delete', { id });
    const { [id]: _gone, ...rest } = byId.value;
    byId.value = rest;
  }

  async function setEnabled(id: string, enabled: boolean): Promise<void> {
    const policy = await getClient().invoke('policies.setEnabled', { id, enabled });
    byId.value = { ...byId.value, [policy.id]: policy };
    await loadSchedules();
  }

  return { byId, loading, loaded, error, sorted, load, fetchOne, schedules, loadSchedules, runNow, setEnabled, save, validate, preview, remove, importFile, exportFile };
});
