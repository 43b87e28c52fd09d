import type { Route } from './context.ts';

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** The match of a request path against the route table. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** Matches request paths against route templates; ARM paths are case-insensitive. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((seg) => {
          const m = /^\{(\w+)\}$/.exec(seg);
          if (m?.[1]) {
            names.push(m[1]);
            return '([^/]+)';
          }
          return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      this.#routes.push({ route, regex: new RegExp(`^${source}/?$`, 'i'), names });
    }
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const c of this.#routes) {
      const m = c.regex.exec(path);
      if (!m) continue;
      if (c.route.method !== method.toUpperCase()) {
        allowed.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { kind: 'found', route: c.route, params };
    }
    return allowed.length ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}
