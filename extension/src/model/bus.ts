/**
 * The page-wide bus of link groups. Each group (keyed by the server path of its selection file,
 * so the same group name in notebooks of different folders stays apart) holds a filter (set by a
 * chart) and the picked ids (set by grids, tables and chart clicks); every grid, chart and table
 * of the group listens. Tag events travel on the same bus, keyed by dataset name.
 */
import type { SelectionFile, TagEvent } from "../../../kernel/protocol";

export interface GroupFilter {
  ids: readonly string[];
  description: string;
  /**
   * Where the ids come from: rows of a chart's id column. Lets a grid map a brush to its own rows
   * with integer look-ups instead of hashing 10^5 strings on every move. Not persisted.
   */
  origin?: { ids: LinkSource; rows: Int32Array };
}

export interface GroupState {
  /** Server path of the group's selection file. */
  key: string;
  group: string;
  dataset: string | null;
  picked: readonly string[];
  pickedSet: ReadonlySet<string>;
  filter: GroupFilter | null;
  /** The renderer that made the last change; null when it came from the selection file. */
  source: object | null;
  /** 0 until something changed the group (its file is then not read any more). */
  revision: number;
}

export type GroupListener = (state: GroupState) => void;
/** A chart's id column (protocol `ChartLink.rows`): what its filters' `origin.ids` will be. */
export type LinkSource = ArrayLike<unknown> & object;
export type TagListener = (event: TagEvent) => void;

export class LinkBus {
  private readonly groups = new Map<string, GroupState>();
  private readonly listeners = new Map<string, Set<GroupListener>>();
  private readonly changeListeners = new Set<GroupListener>();
  private readonly tagListeners = new Map<string, Set<TagListener>>();
  private readonly sources = new Map<string, Set<LinkSource>>();
  private readonly sourceListeners = new Map<string, Set<(ids: LinkSource) => void>>();

  /** The group's state; created empty on first use. */
  state(key: string, group: string, dataset: string | null): GroupState {
    let s = this.groups.get(key);
    if (!s) {
      s = { key, group, dataset, picked: [], pickedSet: new Set(), filter: null, source: null, revision: 0 };
      this.groups.set(key, s);
    }
    return s;
  }

  setFilter(key: string, filter: GroupFilter | null, source: object): void {
    this.update(key, { filter, source });
  }

  setPicked(key: string, picked: Iterable<string>, source: object): void {
    const list = [...new Set(picked)];
    this.update(key, { picked: list, pickedSet: new Set(list), source });
  }

  /** Applies a persisted selection unless the group already changed in this page. */
  load(key: string, file: SelectionFile): boolean {
    const s = this.groups.get(key);
    if (!s || s.revision !== 0) return false;
    const next: GroupState = {
      ...s,
      dataset: s.dataset ?? file.dataset,
      picked: file.picked,
      pickedSet: new Set(file.picked),
      filter: file.filter,
      source: null,
      revision: 0,
    };
    this.groups.set(key, next);
    this.notify(next, false);
    return true;
  }

  /** Listens to one group; returns the function that stops listening. */
  subscribe(key: string, listener: GroupListener): () => void {
    return add(this.listeners, key, listener);
  }

  /** Listens to changes made in this page to any group (not file loads): for persistence. */
  onChange(listener: GroupListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A chart of the group announces its ids, so grids can prepare for its brushes. */
  addSource(key: string, ids: LinkSource): () => void {
    const stop = add(this.sources, key, ids);
    for (const l of [...(this.sourceListeners.get(key) ?? [])]) l(ids);
    return stop;
  }

  /** Calls `listener` with each source of the group, those already there first. */
  onSource(key: string, listener: (ids: LinkSource) => void): () => void {
    for (const ids of [...(this.sources.get(key) ?? [])]) listener(ids);
    return add(this.sourceListeners, key, listener);
  }

  onTags(dataset: string, listener: TagListener): () => void {
    return add(this.tagListeners, dataset, listener);
  }

  emitTags(event: TagEvent): void {
    for (const l of [...(this.tagListeners.get(event.dataset) ?? [])]) l(event);
  }

  private update(key: string, patch: Partial<GroupState>): void {
    const s = this.groups.get(key);
    if (!s) throw new Error(`link group ${key} was never registered`);
    const next = { ...s, ...patch, revision: s.revision + 1 };
    this.groups.set(key, next);
    this.notify(next, true);
  }

  private notify(state: GroupState, changed: boolean): void {
    for (const l of [...(this.listeners.get(state.key) ?? [])]) l(state);
    if (changed) for (const l of [...this.changeListeners]) l(state);
  }
}

function add<T>(map: Map<string, Set<T>>, key: string, item: T): () => void {
  const set = map.get(key) ?? new Set<T>();
  map.set(key, set);
  set.add(item);
  return () => {
    set.delete(item);
    if (!set.size) map.delete(key);
  };
}

/** The selection file of a group state (protocol `SelectionFile`). */
export function toSelectionFile(state: GroupState, now: Date): SelectionFile {
  return {
    version: 1,
    group: state.group,
    dataset: state.dataset,
    picked: [...state.picked],
    filter: state.filter ? { ids: [...state.filter.ids], description: state.filter.description } : null,
    updated: now.toISOString(),
  };
}
