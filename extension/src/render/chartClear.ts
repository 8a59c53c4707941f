/**
 * Clearing a chart's Vega-Lite selection from outside (the grid's chip was cleared, or another
 * chart replaced the group's filter), the way Vega-Lite's own clear does it on a double-click:
 * the brush's pixel extents go to [0, 0] (its data extents and stored tuple follow), and the
 * selection's store is emptied (clicked marks lose their emphasis).
 */
import type { ChartLink } from "../../../kernel/protocol";

interface ViewApi {
  signal(name: string, value: unknown): unknown;
  data(name: string, values: unknown[]): unknown;
  runAsync(): Promise<unknown>;
}

/** Names of an interval parameter's pixel-extent signals (`brush_x`, or `brush_x_1` when a field is named x). */
export function brushSignals(vegaSpec: unknown, param: string): string[] {
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const { name, on } = node as { name?: unknown; on?: unknown };
    // Pixel extents follow the pointer: their handlers read x(unit) or y(unit).
    const follows = /\b[xy]\(unit\)/.test(JSON.stringify(on ?? ""));
    if (typeof name === "string" && follows && new RegExp(`^${param}_[xy](_\\d+)?$`).test(name)) names.push(name);
    Object.values(node).forEach(walk);
  };
  walk(vegaSpec);
  return [...new Set(names)];
}

export async function clearSelection(
  view: ViewApi,
  link: Pick<ChartLink, "param">,
  brushes: readonly string[],
): Promise<void> {
  for (const name of brushes) view.signal(name, [0, 0]);
  await view.runAsync();
  view.data(`${link.param}_store`, []);
  await view.runAsync();
}
