import { readFileSync } from 'node:fs';

/**
 * Clock ticks per second in /proc/<pid>/stat. Linux reports CPU times in USER_HZ, which is 100 on
 * x86 and Arm Linux (it is fixed by the ABI, unlike the kernel's own HZ).
 */
const USER_HZ = 100;

/**
 * CPU seconds (user plus system, all threads) a process has used so far, read from
 * `/proc/<pid>/stat`; undefined where there is no such file (not Linux, or the process is gone).
 * The benchmarks read it for servers they start (Azurite), whose CPU competes with ours on the
 * same cores and bounds what any client of theirs can reach.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : cpuSecondsFrom(`/proc/${pid}/stat`);
}

/**
 * CPU seconds the process's main thread has used (for Node, the event-loop thread). A thread runs
 * on one core at a time, so no request it serves can finish in less wall time than this.
 */
export function mainThreadCpuSeconds(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : cpuSecondsFrom(`/proc/${pid}/task/${pid}/stat`);
}

function cpuSecondsFrom(path: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return undefined;
  return (userTicks + systemTicks) / USER_HZ;
}

/** CPU a server used during one timed step: all its threads, and its main thread alone. */
export interface ServerCpu {
  total: number;
  mainThread: number;
}

/** Starts measuring a process's CPU: the returned function gives what it used since (undefined when unreadable). */
export function cpuMeter(pid: number | undefined): () => ServerCpu | undefined {
  const total = processCpuSeconds(pid);
  const mainThread = mainThreadCpuSeconds(pid);
  return () => {
    // Main thread first, then the whole process: read in this order (and the reverse at the
    // start), the process's delta does not come out below its main thread's by more than one
    // tick (the kernel scales a process's and a thread's run time into ticks separately).
    const mainAfter = mainThreadCpuSeconds(pid);
    const totalAfter = processCpuSeconds(pid);
    if (total === undefined || mainThread === undefined || totalAfter === undefined || mainAfter === undefined) return undefined;
    return { total: totalAfter - total, mainThread: mainAfter - mainThread };
  };
}

/**
 * The best ratio (baseline seconds / our seconds) any client could reach while the server spends
 * `server` on a step, whatever the client itself costs: the step cannot take less wall time than
 * the server's main thread ran, nor than all its threads' CPU spread over every core.
 */
export function ratioCeiling(baselineSeconds: number, server: ServerCpu, cores: number): number {
  const shortestStep = Math.max(server.mainThread, server.total / cores);
  return shortestStep > 0 ? baselineSeconds / shortestStep : Number.POSITIVE_INFINITY;
}
