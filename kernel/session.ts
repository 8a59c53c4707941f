/** What the notebook session remembers between cells. */

let latest: string | null = null;

/** The link group of the most recent output; `selection()` reads it by default. */
export function latestGroup(): string | null {
  return latest;
}

export function rememberGroup(group: string): void {
  latest = group;
}
