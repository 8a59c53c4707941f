import type { Dataset, TagChange } from "../../src/dataset/dataset";
import { linkGroup } from "../linkGroup";
import { display, type MimeData } from "../display/display";
import { formatCount } from "../../src/report/escape";
import { MIME, type TagEvent } from "../protocol";

const announced = new WeakSet<Dataset>();

/**
 * From now on every tag or untag on the dataset becomes an output that tells its grids (in any
 * cell) to update. Called by the first show of a dataset; later calls do nothing.
 */
export function announceTagChanges(ds: Dataset): void {
  if (announced.has(ds)) return;
  announced.add(ds);
  ds.onTagChange((change) => display(tagEventData(linkGroup(ds), change)));
}

function tagEventData(dataset: string, change: TagChange): MimeData {
  const event: TagEvent = {
    version: 1,
    kind: "tags",
    dataset,
    tag: change.tag,
    action: change.action,
    ids: change.ids,
  };
  const n = change.ids.length;
  return {
    [MIME.event]: event,
    "text/plain":
      `${change.action === "add" ? "Tagged" : "Untagged"} ${formatCount(n)} sample${n === 1 ? "" : "s"} ` +
      `'${change.tag}'`,
  };
}
