import type { SessionContext } from '../../src-main/core/sessions/session-context.ts';
import { LocalWorkerLauncher } from '../../src-main/worker/local-launcher.ts';
import type { WorkerLauncher } from '../../src-main/worker/worker-launcher.ts';

/** A session context that records what the worker reports, as `level: message` lines. */
export function recordingSession(): SessionContext & { lines: string[] } {
  const lines: string[] = [];
  const controller = new AbortController();
  const log = (level: string, message: string) => lines.push(`${level}: ${message}`);
  return {
    lines,
    sessionId: 'test',
    signal: controller.signal,
    log,
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
    progress: () => undefined,
    throwIfCanceled: () => controller.signal.throwIfAborted(),
  };
}

/** Resolves once the worker has reported `bytes` of progress. */
export function afterProgress(events: AsyncIterable<{ type: string; done?: number }>, bytes: number): Promise<void> {
  return (async () => {
    for await (const event of events) if (event.type === 'progress' && (event.done ?? 0) >= bytes) return;
  })();
}

/** A local launcher whose agent is killed (SIGKILL) once it reports more than `bytes` of progress. */
export function launcherKilledAfter(bytes: number): WorkerLauncher {
  let pid = 0;
  const killing = new LocalWorkerLauncher({ onSpawn: (p) => (pid = p) });
  return {
    launch: async (...args: Parameters<LocalWorkerLauncher['launch']>) => {
      const handle = await killing.launch(...args);
      async function* spy() {
        for await (const event of handle.events) {
          if (event.type === 'progress' && event.done > bytes) process.kill(pid, 'SIGKILL');
          yield event;
        }
      }
      return { events: spy(), result: handle.result, released: handle.released };
    },
  };
}
