/**
 * The event renderer (protocol `TagEvent`): tells every grid of the dataset on the page about
 * tags the kernel added or removed, and says so in one line.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { type Bundle, checkBundle, type TagEvent } from "../../../kernel/protocol";
import type { BlindspotContext } from "../context";
import { formatCount } from "../model/format";

export class EventRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(
    private readonly options: IRenderMime.IRendererOptions,
    private readonly ctx: BlindspotContext,
  ) {
    super();
    this.addClass("bs-event");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const value = model.data[this.options.mimeType];
    // checkBundle's kind parameter names bundle kinds only; an event's kind is "tags".
    const problem = checkBundle(value, "tags" as Bundle["kind"]) ?? invalidEvent(value);
    if (problem) {
      this.node.textContent = `blindspot: ${problem}`;
      return;
    }
    const event = value as unknown as TagEvent;
    this.ctx.bus.emitTags(event);
    const verb = event.action === "add" ? "tagged" : "untagged";
    this.node.textContent =
      `${verb} ${formatCount(event.ids.length)} sample${event.ids.length === 1 ? "" : "s"} of ` +
      `${event.dataset}: ${event.tag}`;
  }
}

function invalidEvent(value: unknown): string | null {
  const e = value as Partial<TagEvent>;
  const ok =
    typeof e.dataset === "string" &&
    typeof e.tag === "string" &&
    (e.action === "add" || e.action === "remove") &&
    Array.isArray(e.ids) &&
    e.ids.every((id) => typeof id === "string");
  return ok ? null : "this tag event is incomplete (dataset, tag, action and ids are needed)";
}
