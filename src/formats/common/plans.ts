import type { Dataset } from "../../dataset/dataset";
import type { WriteOptions } from "../format";

/**
 * What a writer's `plan` found, kept for its `write`. `exportDataset` passes one options object
 * to both, so what the plan computed (losses, parsed attributes, sizes, file names) is computed
 * once. A kept plan is used only for the same dataset tables, output and field; `take` hands it
 * to the write and forgets it.
 */
export class WritePlans<P> {
  private readonly kept = new WeakMap<
    WriteOptions,
    { ds: Dataset; samples: unknown; objects: unknown; output: string; field: string | undefined; plan: P }
  >();

  constructor(private readonly make: (ds: Dataset, output: string, options: WriteOptions) => P) {}

  /** The plan of this write: the one made for these options earlier, or a new one. */
  get(ds: Dataset, output: string, options: WriteOptions): P {
    const k = this.kept.get(options);
    if (
      k &&
      k.ds === ds &&
      k.samples === ds.samples &&
      k.objects === ds.objects &&
      k.output === output &&
      k.field === options.field
    )
      return k.plan;
    const plan = this.make(ds, output, options);
    this.kept.set(options, { ds, samples: ds.samples, objects: ds.objects, output, field: options.field, plan });
    return plan;
  }

  /** The plan for the write itself, forgotten once handed over. */
  take(ds: Dataset, output: string, options: WriteOptions): P {
    const plan = this.get(ds, output, options);
    this.kept.delete(options);
    return plan;
  }
}

/**
 * `parse` of a text column's values, computed once per distinct text (objects' attributes
 * repeat the same few JSON texts). At most `limit` results are kept; past that, texts not seen
 * yet are parsed on each call, so memory stays bounded on columns of unique values.
 */
export function parsedOnce<T>(parse: (text: string) => T, limit = 1 << 18): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    let v = seen.get(text);
    if (v === undefined) {
      v = parse(text);
      if (seen.size < limit) seen.set(text, v);
    }
    return v;
  };
}
