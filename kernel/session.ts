/** What the notebook session remembers between cells. */

let latest: string | null = null;

/** The link group of the most recent output; `selection()` reads it by default. */
export function latestGroup(): string | null {
  return latest;
}

export function rememberGroup(group: string): void {
  latest = group;
}

const patchesGroups = new Set<string>();

/** The group holds patches grids: its selection names boxes (`<sample id>#<object id>`). */
export function rememberPatchesGroup(group: string): void {
  patchesGroups.add(group);
}

export function isPatchesGroup(group: string): boolean {
  return patchesGroups.has(group);
}
