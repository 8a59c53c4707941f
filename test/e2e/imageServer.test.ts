import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS_DIR, IMAGE_ENDPOINT, IMAGE_ROOTS_FILE } from "../../kernel/protocol";
import { tmpDir, VOC_IMAGES } from "../helpers/data";
import { startLab, type Lab } from "./lab";

/**
 * The server extension that serves the large view's full-resolution images, asked over real
 * HTTP of a real Jupyter server: it serves files of registered image folders only.
 */
describe("image server extension", () => {
  let lab: Lab;
  let base: string;
  let images: string;
  let secret: string;
  const photo = fs.readFileSync(path.join(VOC_IMAGES, "2007_000027.jpg"));

  beforeAll(async () => {
    base = tmpDir("image-server");
    const root = path.join(base, "root");
    images = path.join(base, "data/images");
    secret = path.join(base, "secret");
    for (const dir of [path.join(root, "nb", ARTIFACTS_DIR), images, path.join(images, "sub"), secret]) {
      fs.mkdirSync(dir, { recursive: true });
    }
    fs.writeFileSync(path.join(images, "sub/a.jpg"), photo);
    fs.writeFileSync(path.join(images, "notes.txt"), "not an image");
    fs.writeFileSync(path.join(secret, "b.jpg"), photo);
    fs.symlinkSync(path.join(secret, "b.jpg"), path.join(images, "escape.jpg"));
    const registry = { version: 1, roots: [images] };
    fs.writeFileSync(path.join(root, "nb", ARTIFACTS_DIR, IMAGE_ROOTS_FILE), JSON.stringify(registry));
    // An artifacts folder outside the server's root registers the secret folder.
    fs.mkdirSync(path.join(base, ARTIFACTS_DIR));
    fs.writeFileSync(path.join(base, ARTIFACTS_DIR, IMAGE_ROOTS_FILE), JSON.stringify({ version: 1, roots: [secret] }));
    lab = await startLab(root);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
  });

  /** GET of the endpoint with raw (already encoded) query values, with the token unless told. */
  const get = (query: Record<string, string>, token = true) => {
    const q = Object.entries(query).map(([k, v]) => `${k}=${v}`);
    if (token) q.push(`token=${lab.token}`);
    return fetch(`${lab.url}${IMAGE_ENDPOINT}?${q.join("&")}`, { redirect: "manual" });
  };
  const enc = encodeURIComponent;
  const art = `nb/${ARTIFACTS_DIR}`;

  it("serves a file of a registered image folder, byte for byte", async () => {
    const res = await get({ artifacts: enc(art), root: enc(images), file: enc("sub/a.jpg") });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
  });

  it("refuses a request without the token", async () => {
    const res = await get({ artifacts: enc(art), root: enc(images), file: enc("sub/a.jpg") }, false);
    expect([302, 401, 403]).toContain(res.status);
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(false);
  });

  it("refuses ../../etc/passwd, plain and encoded", async () => {
    for (const file of [
      enc("../../etc/passwd"),
      "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      enc("sub/../../../secret/b.jpg"),
    ]) {
      const res = await get({ artifacts: enc(art), root: enc(images), file });
      expect(res.status, file).toBe(403);
    }
    // Encoded twice: a literal "%2e%2e" file name, which does not exist.
    const twice = await get({ artifacts: enc(art), root: enc(images), file: enc("%2e%2e/%2e%2e/etc/passwd.jpg") });
    expect(twice.status).toBe(404);
  });

  it("refuses a symlink that leaves the registered folder", async () => {
    const res = await get({ artifacts: enc(art), root: enc(images), file: enc("escape.jpg") });
    expect(res.status).toBe(403);
  });

  it("refuses a folder that no kernel registered", async () => {
    for (const root of [secret, "/etc", path.dirname(images)]) {
      const file = root === "/etc" ? "passwd" : root === secret ? "b.jpg" : "images/sub/a.jpg";
      const res = await get({ artifacts: enc(art), root: enc(root), file: enc(file) });
      expect(res.status, root).toBe(403);
    }
  });

  it("reads registries only from artifacts folders inside the server's root", async () => {
    for (const artifacts of [`../${ARTIFACTS_DIR}`, `nb%2F..%2F..%2F${ARTIFACTS_DIR}`, "nb", "nb/notes"]) {
      const res = await get({ artifacts, root: enc(secret), file: enc("b.jpg") });
      expect(res.status, artifacts).toBe(404);
    }
  });

  it("serves raster images only", async () => {
    const res = await get({ artifacts: enc(art), root: enc(images), file: enc("notes.txt") });
    expect(res.status).toBe(403);
  });
});
