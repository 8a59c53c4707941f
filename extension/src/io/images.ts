/**
 * Full-resolution images of the large view, from the blindspot server extension (protocol
 * IMAGE_ENDPOINT): it serves only files of image folders a kernel registered beside the
 * artifacts, under Jupyter's authentication (the request carries the page's token or cookie).
 */
import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";
import { ARTIFACTS_DIR, IMAGE_ENDPOINT } from "../../../kernel/protocol";
import type { Artifacts } from "./artifacts";

/** The image file's bytes; throws with the server's reason (refused, missing, extension absent). */
export async function fetchFullImage(
  artifacts: Artifacts,
  root: string,
  file: string,
  signal: AbortSignal,
): Promise<Blob> {
  const settings = ServerConnection.makeSettings();
  const query = URLExt.objectToQueryString({ artifacts: await artifacts.serverPath(ARTIFACTS_DIR), root, file });
  const url = URLExt.join(settings.baseUrl, IMAGE_ENDPOINT) + query;
  const response = await ServerConnection.makeRequest(url, { signal }, settings);
  if (response.ok) return response.blob();
  // The handler's own refusals name themselves; a bare 404 means it is not installed.
  if (response.status === 404 && !/no such image|artifacts folder/.test(await response.text())) {
    throw new Error("the blindspot server extension is not running (pip install the extension, restart Jupyter)");
  }
  throw new Error(`HTTP ${response.status} ${response.statusText}`);
}
