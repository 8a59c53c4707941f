/** What the kernel sends to the notebook: one output with several MIME types of the same thing. */
export interface DisplayBundle {
  /** MIME type -> value. JSON types hold objects (not JSON text); text types hold strings. */
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** A display id lets later messages replace this output (progress bars). */
  transient: { display_id?: string };
}

/** Receives every bundle; `update` replaces the output of the same display id. */
export type DisplaySink = (bundle: DisplayBundle, update: boolean) => void;
