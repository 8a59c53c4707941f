/**
 * What the grid, chart, table and event renderers share: bundle validation, the clear messages
 * for a bad bundle or missing artifact files, and a scope per render whose clean-ups run when
 * the output re-renders or goes away.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { type Bundle, checkBundle, selectionPath } from "../../../kernel/protocol";
import type { BlindspotContext } from "../context";
import { Artifacts, MissingArtifactError } from "../io/artifacts";
import { clear, h } from "./dom";

/** JupyterLab picks the lowest rank; the text/html fallback is 50. */
export const RANK = 40;

/** One render of a model: aborted, and its clean-ups run, when the next render starts. */
export class RenderScope {
  private readonly controller = new AbortController();
  private readonly cleanups: (() => void)[] = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Registers a clean-up (listener removal, view finalize, timer clear). */
  add(fn: () => void): void {
    if (this.signal.aborted) fn();
    else this.cleanups.push(fn);
  }

  /** Throws when a newer render replaced this one, so stale async work stops. */
  check(): void {
    this.signal.throwIfAborted();
  }

  close(): void {
    this.controller.abort();
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        fn();
      } catch (e) {
        console.warn("blindspot: clean-up failed", e);
      }
    }
  }
}

export abstract class BlindspotRenderer<B extends Bundle> extends Widget implements IRenderMime.IRenderer {
  private scope: RenderScope | null = null;
  private model: IRenderMime.IMimeModel | null = null;

  constructor(
    protected readonly options: IRenderMime.IRendererOptions,
    protected readonly ctx: BlindspotContext,
    private readonly kind: B["kind"],
  ) {
    super();
    this.addClass("bs-output");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.scope?.close();
    this.model = model;
    const scope = (this.scope = new RenderScope());
    clear(this.node);
    const value = model.data[this.options.mimeType];
    const problem = checkBundle(value, this.kind);
    if (problem) return this.showMessage(problem, model);
    const resolver = this.options.resolver;
    if (!resolver)
      return this.showMessage("this output can only be shown inside a notebook (it reads files beside it).", model);
    try {
      await this.render(value as unknown as B, new Artifacts(resolver), scope);
    } catch (e) {
      if (scope.signal.aborted) return;
      scope.close();
      this.scope = new RenderScope();
      clear(this.node);
      if (e instanceof MissingArtifactError) {
        this.showMessage(
          `the data of this output (${e.path}) is not beside the notebook; re-run the cell to regenerate it. ` +
            "Below is the static preview saved in the notebook.",
          model,
        );
      } else {
        this.showMessage(`could not show this output: ${e instanceof Error ? e.message : String(e)}`, model);
      }
    }
  }

  protected abstract render(bundle: B, artifacts: Artifacts, scope: RenderScope): Promise<void>;

  /** Draws the output again from its model (the theme changed). */
  protected rerender(): void {
    if (this.model && !this.isDisposed) void this.renderModel(this.model);
  }

  /**
   * Joins the bundle's link group: returns its bus key (the server path of its selection file)
   * and applies the persisted selection, if any, once it is read.
   */
  protected async joinGroup(bundle: B, artifacts: Artifacts, scope: RenderScope): Promise<string> {
    const { bus, selections } = this.ctx;
    const key = await artifacts.serverPath(selectionPath(bundle.group));
    bus.state(key, bundle.group, bundle.dataset);
    void selections.load(key).then((file) => {
      if (file && !scope.signal.aborted) bus.load(key, file);
    });
    return key;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.scope?.close();
    this.scope = null;
    super.dispose();
  }

  /** A message, then the output's static fallback (an image or its text), never its HTML. */
  private showMessage(message: string, model: IRenderMime.IMimeModel): void {
    this.node.appendChild(h("div", { class: "bs-message", text: `blindspot: ${message}` }));
    const data = model.data;
    const png = data["image/png"];
    const svg = data["image/svg+xml"];
    const text = data["text/plain"];
    if (typeof png === "string") {
      this.node.appendChild(
        h("img", { class: "bs-fallback", attrs: { src: `data:image/png;base64,${png}`, alt: "static preview" } }),
      );
    } else if (typeof svg === "string" || Array.isArray(svg)) {
      // An SVG in an <img> cannot run scripts.
      const blob = new Blob([Array.isArray(svg) ? svg.join("") : svg], { type: "image/svg+xml" });
      const url = URL.createObjectURL(blob);
      this.scope?.add(() => URL.revokeObjectURL(url));
      this.node.appendChild(h("img", { class: "bs-fallback", attrs: { src: url, alt: "static preview" } }));
    } else if (typeof text === "string" || Array.isArray(text)) {
      this.node.appendChild(h("pre", { class: "bs-fallback", text: Array.isArray(text) ? text.join("") : text }));
    }
  }
}
