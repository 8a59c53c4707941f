/**
 * DOM construction for every renderer. Data from a notebook only ever goes into textContent or
 * into attributes that cannot run code (class, title, data-*, numbers of SVG geometry); there is
 * deliberately no way to set innerHTML here.
 */

export interface Props {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children: (Node | null | undefined | false)[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, props);
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function s<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  return el;
}

function apply(el: Element, props: Props): void {
  if (props.class) el.setAttribute("class", props.class);
  if (props.text !== undefined) el.textContent = props.text;
  if (props.title !== undefined) el.setAttribute("title", props.title);
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
}

export function clear(el: Element): void {
  while (el.lastChild) el.removeChild(el.lastChild);
}

/**
 * Adds a listener and returns the function that removes it: for targets that outlive the renderer
 * (document, window, the viewport's scroll); listeners on nodes the renderer owns die with them.
 */
export function listen<K extends keyof HTMLElementEventMap>(
  target: HTMLElement | Document | Window,
  type: K,
  fn: (e: HTMLElementEventMap[K]) => void,
  options?: AddEventListenerOptions,
): () => void {
  target.addEventListener(type, fn as EventListener, options);
  return () => target.removeEventListener(type, fn as EventListener, options);
}

/**
 * Runs `fn` at most once per animation frame, with the latest state. `leading`: the first call of a
 * frame runs at once (no frame of latency) and later calls in that frame run at the next one.
 */
export function frameThrottle(fn: () => void, leading = false): { schedule(): void; cancel(): void } {
  let frame = 0;
  let pending = false;
  const tick = () => {
    frame = 0;
    if (!pending) return;
    pending = false;
    fn();
    if (leading) frame = requestAnimationFrame(tick);
  };
  return {
    schedule() {
      if (frame) {
        pending = true;
      } else if (leading) {
        fn();
        frame = requestAnimationFrame(tick);
      } else {
        pending = true;
        frame = requestAnimationFrame(tick);
      }
    },
    cancel() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      pending = false;
    },
  };
}
