/** A database (`child` null: the whole of it) or a container, collection or graph in one. */
export interface DeletedItem {
  database: string;
  child: string | null;
}

type DatabaseList = readonly { name: string; children: readonly string[] }[];

/**
 * What `earlier` lists that `current` does not: whole databases, and the children of databases that
 * still exist. Each once, sorted by database then child. Pure; the core (Azure's lists at two
 * times) and the console (an account's older restore-point records) both ask it.
 */
export function deletedItems(earlier: DatabaseList, current: DatabaseList): DeletedItem[] {
  const now = new Map(current.map((db) => [db.name, new Set(db.children)]));
  const found = new Map<string, DeletedItem>();
  for (const db of earlier) {
    const live = now.get(db.name);
    if (!live) found.set(db.name, { database: db.name, child: null });
    else for (const child of db.children) if (!live.has(child)) found.set(`${db.name}/${child}`, { database: db.name, child });
  }
  return [...found.values()].sort((a, b) => a.database.localeCompare(b.database) || (a.child ?? '').localeCompare(b.child ?? ''));
}
