import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";

/**
 * Images made from real photos so that every Cleanvision issue type occurs: darkened,
 * lightened, blurred, grayscale files, stretched, shrunk and enlarged, byte and pixel copies,
 * re-encoded and slightly resized copies, and images with almost no information. Written as
 * JPEG (RGB or single-channel) and PNG into `dir`; returns the files, sorted.
 */
export async function writeVariants(bases: string[], dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const out = (name: string) => path.join(dir, name);
  for (const [i, base] of bases.entries()) {
    const b = `b${i}`;
    const s = () => sharp(base);
    fs.copyFileSync(base, out(`${b}-original.jpg`));
    await s()
      .linear(0.1 + 0.05 * (i % 3), 0)
      .jpeg()
      .toFile(out(`${b}-dark.jpg`));
    await s()
      .linear(0.03 + 0.01 * (i % 3), 244)
      .jpeg()
      .toFile(out(`${b}-light.jpg`));
    await s()
      .blur(2 + 6 * (i % 4))
      .jpeg()
      .toFile(out(`${b}-blur.jpg`));
    await s()
      .toColourspace("b-w")
      .jpeg()
      .toFile(out(`${b}-gray.jpg`));
    await s()
      .resize(480, 90 + 20 * (i % 3), { fit: "fill" })
      .jpeg()
      .toFile(out(`${b}-wide.jpg`));
    await s()
      .resize(24 + i, 18 + i, { fit: "fill" })
      .jpeg()
      .toFile(out(`${b}-tiny.jpg`));
    if (i % 3 === 0)
      await s()
        .resize(1800 + 40 * i)
        .jpeg()
        .toFile(out(`${b}-huge.jpg`));
    // Pixel copies: the same file under another name, and the decoded pixels as a PNG.
    fs.copyFileSync(base, out(`${b}-copy.jpg`));
    if (i % 2 === 0)
      await s()
        .png()
        .toFile(out(`${b}-lossless.png`));
    // Near copies: re-encoded, and a little smaller.
    await s()
      .jpeg({ quality: 90 })
      .toFile(out(`${b}-reencoded.jpg`));
    const { width } = await s().metadata();
    await s()
      .resize(Math.round(width! * 0.95))
      .jpeg({ quality: 95 })
      .toFile(out(`${b}-smaller.jpg`));
  }
  // Almost no information: a flat colour, two colours, and faint noise on gray.
  const flat = (name: string, r: number, g: number, bl: number) =>
    sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b: bl } } })
      .png()
      .toFile(out(name));
  await flat("flat-gray.png", 128, 128, 128);
  await flat("flat-teal.png", 20, 140, 150);
  const halves = new Uint8Array(320 * 240 * 3).map((_, k) => (Math.floor(k / 3) % 320 < 160 ? 30 : 220));
  await sharp(halves, { raw: { width: 320, height: 240, channels: 3 } })
    .png()
    .toFile(out("two-tones.png"));
  let seed = 7;
  const noise = new Uint8Array(320 * 240 * 3).map(
    () => 120 + (((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 5),
  );
  await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } })
    .png()
    .toFile(out("faint-noise.png"));
  return fs
    .readdirSync(dir)
    .map((f) => path.join(dir, f))
    .sort();
}
