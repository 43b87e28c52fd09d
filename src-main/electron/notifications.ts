import { Notification, type Tray } from 'electron';
import type { AppCore } from '../app/app-core.ts';
import { alertFor, worstRecentState } from '../core/notifications/session-alerts.ts';

/**
 * Desktop notifications when scheduled work ends in warning or failure, and a tray tooltip that
 * says the worst state of the last day. Clicking a notification opens the console. Returns the
 * function that stops listening.
 */
export function watchSessionsForAlerts(core: AppCore, tray: Tray, openConsole: () => void): () => void {
  const refreshTooltip = () => tray.setToolTip(worstRecentState(core.sessions.list({ limit: 200 }), core.clock.now()).text);
  refreshTooltip();
  // A session's end can arrive twice (its own event, then the DB watcher's): one notification each.
  const notified = new Set<string>();
  return core.sessions.subscribe((event) => {
    if (event.type !== 'updated') return;
    const alert = alertFor(event.session);
    if (!alert || notified.has(event.session.id)) return;
    notified.add(event.session.id);
    refreshTooltip();
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: alert.title, body: alert.body, urgency: alert.severity === 'failed' ? 'critical' : 'normal' });
    notification.on('click', openConsole);
    notification.show();
  });
}
