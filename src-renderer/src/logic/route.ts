/**
 * Hash-based navigation: `#/sessions`, `#/sessions/<id>`, `#/policies/<id>`… Pure parsing and
 * building of routes; the navigation store listens to `hashchange`.
 */

export const SECTIONS = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'resources', label: 'Resources' },
  { id: 'policies', label: 'Policies' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'restore-points', label: 'Restore points' },
  { id: 'repositories', label: 'Repositories' },
  { id: 'workers', label: 'Workers' },
  { id: 'settings', label: 'Settings' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

/** Where the console is: a section and, for sections with detail pages, the selected item. */
export interface Route {
  section: SectionId;
  /** The item shown in detail (a session id, a policy id), or null for the section's main page. */
  id: string | null;
  /**
   * For policies: `#/policies/new`, `#/policies/<id>/edit` and `#/policies/<id>/clone` open the wizard;
   * for resources, `#/resources/<id>/restore` opens the point-in-time restore wizard.
   */
  action?: RouteAction;
  /** For `#/resources/<id>/restore?at=<ISO time>`: the time picked on the resource's timeline. */
  at?: string;
}

export type PolicyAction = 'new' | 'edit' | 'clone';
export type RouteAction = PolicyAction | 'restore';
const ITEM_ACTIONS: Partial<Record<SectionId, Set<string>>> = { policies: new Set(['edit', 'clone']), resources: new Set(['restore']) };

const SECTION_IDS = new Set<string>(SECTIONS.map((s) => s.id));
// `#/resources/<resource id>` opens the point-in-time restore wizard of that resource.
const WITH_DETAIL = new Set<SectionId>(['sessions', 'policies', 'restore-points', 'resources']);

export const DEFAULT_ROUTE: Route = { section: 'dashboard', id: null };

/** Parses `location.hash`; anything unknown falls back to the dashboard. */
export function parseHash(hash: string): Route {
  const [pathPart = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const path = pathPart;
  const [section = '', rawId, action, ...rest] = path.split('/');
  if (!SECTION_IDS.has(section) || rest.length) return DEFAULT_ROUTE;
  const id = rawId ? safeDecode(rawId) : null;
  if (id !== null && !WITH_DETAIL.has(section as SectionId)) return DEFAULT_ROUTE;
  if (section === 'policies' && id === 'new' && action === undefined) return { section: 'policies', id: null, action: 'new' };
  if (action !== undefined) {
    if (!id || !ITEM_ACTIONS[section as SectionId]?.has(action)) return DEFAULT_ROUTE;
    const at = action === 'restore' ? new URLSearchParams(query).get('at') : null;
    return { section: section as SectionId, id, action: action as RouteAction, ...(at && !Number.isNaN(Date.parse(at)) ? { at: new Date(at).toISOString() } : {}) };
  }
  return { section: section as SectionId, id: id || null };
}

/** The hash for a route: `#/sessions/abc`. */
export function routeHash(route: Route): string {
  if (route.action === 'new') return `#/${route.section}/new`;
  const base = route.id ? `#/${route.section}/${encodeURIComponent(route.id)}` : `#/${route.section}`;
  if (!route.id || !route.action) return base;
  return route.action === 'restore' && route.at ? `${base}/restore?at=${encodeURIComponent(route.at)}` : `${base}/${route.action}`;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
