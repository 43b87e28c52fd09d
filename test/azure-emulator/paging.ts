import type { ArmContext } from './context.ts';

/**
 * One page of `items` with an absolute `nextLink` back to the emulator when more remain.
 * The page position travels in `$skipToken`, which the SDK's pager echoes untouched.
 */
export function page<T>(ctx: ArmContext, items: T[], render: (item: T) => unknown): { value: unknown[]; nextLink?: string } {
  const size = Math.max(1, ctx.env.settings.pageSize);
  const skip = Math.max(0, Number.parseInt(ctx.req.url.searchParams.get('$skipToken') ?? '0', 10) || 0);
  const value = items.slice(skip, skip + size).map(render);
  if (skip + size >= items.length) return { value };
  const next = new URL(ctx.req.url.pathname + ctx.req.url.search, ctx.baseUrl);
  next.searchParams.set('$skipToken', String(skip + size));
  return { value, nextLink: next.toString() };
}
