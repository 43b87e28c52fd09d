import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { getClient } from './client.ts';
import { useLoadState } from './load-state.ts';

/** How many records of each kind the console asks for. */
export const RESTORE_POINT_PAGE = 5000;

/**
 * Restore-point records of the catalog: repository and archive points (from backups and
 * rescans) and continuous-backup records (from Azure syncs), loaded as two lists.
 */
export const useRestorePointsStore = defineStore('restorePoints', () => {
  const repositoryPoints = ref<RestorePointRecordDto[]>([]);
  const continuousRecords = ref<RestorePointRecordDto[]>([]);
  const { loading, loaded, error, track } = useLoadState();

  function load(): Promise<void> {
    return track(async () => {
      const client = getClient();
      const [repository, archive, continuous] = await Promise.all([
        client.invoke('restorePoints.list', { kind: 'repository', limit: RESTORE_POINT_PAGE }),
        client.invoke('restorePoints.list', { kind: 'archive', limit: RESTORE_POINT_PAGE }),
        client.invoke('restorePoints.list', { kind: 'continuous', limit: RESTORE_POINT_PAGE }),
      ]);
      repositoryPoints.value = [...repository, ...archive];
      continuousRecords.value = continuous;
    });
  }

  /** Every continuous record of one resource (the restore wizard's source), newest first. */
  async function continuousOf(resourceId: string): Promise<RestorePointRecordDto[]> {
    return getClient().invoke('restorePoints.list', { resourceId, kind: 'continuous', limit: 100 });
  }

  return { repositoryPoints, continuousRecords, loading, loaded, error, load, continuousOf };
});
