import type { ContinuousWindow } from './continuous-windows.ts';
import type { RepositoryPointView } from './restore-points.ts';

/**
 * One timeline of everything a resource can be restored from, newest first: Azure's continuous-
 * backup window (any second in it) and the repository and archive restore points. Pure.
 */
export type TimelineItem =
  | { kind: 'window'; key: string; at: string; start: string; end: string; window: ContinuousWindow }
  | { kind: 'repository' | 'archive'; key: string; at: string; point: RepositoryPointView };

export function resourceTimeline(windows: readonly ContinuousWindow[], points: readonly RepositoryPointView[]): TimelineItem[] {
  const items: TimelineItem[] = [
    ...windows.map((window) => ({ kind: 'window' as const, key: `window-${window.recordId}`, at: window.end, start: window.start, end: window.end, window })),
    ...points.map((point) => ({ kind: point.archive ? ('archive' as const) : ('repository' as const), key: point.id, at: point.time, point })),
  ];
  return items.sort((a, b) => b.at.localeCompare(a.at) || a.key.localeCompare(b.key));
}
