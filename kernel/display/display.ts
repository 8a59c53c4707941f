import { randomBytes } from "node:crypto";
import { publish } from "./sink";

/** MIME type -> value of one output. */
export type MimeData = Record<string, unknown>;

/** Shows one output. */
export function display(data: MimeData): void {
  publish({ data, metadata: {}, transient: {} });
}

/** An output that can be replaced in place (a progress bar): the first `show` adds it, later ones update it. */
export class LiveDisplay {
  private readonly id = `blindspot-${randomBytes(8).toString("hex")}`;
  private shown = false;

  show(data: MimeData): void {
    publish({ data, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
  }
}
