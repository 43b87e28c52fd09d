/** How a repository's last check reads: the core records "ok" or "N problems". */
export interface CheckState {
  label: string;
  tone: 'success' | 'danger' | 'neutral';
  /** A glyph next to the label (hidden from screen readers), so colour is never the only cue. */
  icon: string;
}

export function checkState(status: string | null): CheckState {
  if (status === null) return { label: 'Never checked', tone: 'neutral', icon: '–' };
  if (status === 'ok') return { label: 'Healthy', tone: 'success', icon: '✓' };
  return { label: status.charAt(0).toUpperCase() + status.slice(1), tone: 'danger', icon: '✕' };
}
