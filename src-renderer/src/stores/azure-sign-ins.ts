import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AzureSignInInput, AzureSignInView } from '../../../src-main/shared/azure-contract.ts';
import type { Session } from '../../../src-main/shared/session.ts';
import { getClient } from './client.ts';
import { useLoadState } from './load-state.ts';
import { useSessionsStore } from './sessions.ts';

/** The stored Azure sign-ins; signing in (a session) and out from the console. */
export const useAzureSignInsStore = defineStore('azureSignIns', () => {
  const list = ref<AzureSignInView[]>([]);
  const { loading, loaded, error, track } = useLoadState();

  function load(): Promise<void> {
    return track(async () => {
      list.value = await getClient().invoke('azure.signIns', {});
    });
  }

  /** Starts a sign-in session; its log shows a device code and where to enter it. */
  async function start(input: AzureSignInInput): Promise<Session> {
    const session = await getClient().invoke('azure.signIn', input);
    useSessionsStore().upsert(session);
    return session;
  }

  async function signOut(cloudProfile: string, tenantId: string): Promise<void> {
    await getClient().invoke('azure.signOut', { cloudProfile, tenantId });
    await load();
  }

  return { list, loading, loaded, error, load, start, signOut };
});
