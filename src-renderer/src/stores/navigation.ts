import { defineStore } from 'pinia';
import { ref } from 'vue';
import { parseHash, routeHash, type Route } from '../logic/route.ts';

/** The current route, kept in step with `location.hash` (no router library needed). */
export const useNavigationStore = defineStore('navigation', () => {
  const route = ref<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));

  function sync(hash: string): void {
    route.value = parseHash(hash);
  }

  /** Goes to a route, adding a history entry so Back works. */
  function go(next: Route): void {
    const hash = routeHash(next);
    if (location.hash === hash) sync(hash);
    else location.hash = hash;
  }

  return { route, sync, go };
});
