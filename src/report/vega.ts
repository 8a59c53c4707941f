import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as vm from "node:vm";
/** A Vega-Lite specification with its data inline. */
export type Spec = Record<string, unknown>;

interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: "none" }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: Spec): { spec: unknown };
}

/**
 * vega and vega-lite are ES modules with top-level await: `require` cannot load them, and
 * TypeScript compiles `import()` to `require` in CommonJS. A function made at run time keeps a
 * real dynamic import. Code run by a module runner (vitest) has no loader for it, so there a
 * script is compiled with Node's own loader given explicitly. The package is resolved from this
 * file, so the notebook's folder does not need its own copy.
 */
const plainImport = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;

async function importModule(url: string): Promise<unknown> {
  try {
    return await plainImport(url);
  } catch (err) {
    if ((err as { code?: string }).code !== "ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING") throw err;
    // Compiled only here: Node prints an experimental-feature warning when it is used.
    const loaderImport = new vm.Script("(url) => import(url)", {
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext();
    return (loaderImport as typeof plainImport)(url);
  }
}

let modules: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | null = null;

function load(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  modules ??= Promise.all([importPackage("vega"), importPackage("vega-lite")]).then(([vega, vl]) => ({
    vega: vega as VegaModule,
    vl: vl as VegaLiteModule,
  }));
  return modules;
}

function importPackage(name: string): Promise<unknown> {
  return importModule(pathToFileURL(require.resolve(name)).href);
}

/**
 * Renders a Vega-Lite spec (with its data inline) to SVG text, as the static fallback of a
 * chart. Marks carry no ARIA descriptions and coordinates keep one decimal: a static image needs
 * neither, and they tripled its size.
 */
export async function renderSvg(spec: Spec): Promise<string> {
  const { vega, vl } = await load();
  const config = { ...(spec.config as Spec | undefined), aria: false };
  const view = new vega.View(vega.parse(vl.compile({ ...spec, config }).spec), { renderer: "none" });
  try {
    return compactCoordinates(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Rounds the numbers of geometry attributes (not of text: axis labels stay as they are). */
function compactCoordinates(svg: string): string {
  return svg.replace(
    / (d|transform)="([^"]*)"/g,
    (_, name: string, value: string) =>
      ` ${name}="${value.replace(/-?\d+\.\d{2,}(e-?\d+)?/g, (n) => String(Number(Number(n).toFixed(1))))}"`,
  );
}

/** A Vega-Lite spec compiled to Vega: what a page's vega runtime parses, with no vega-lite there. */
export async function compileVegaLite(spec: Spec): Promise<unknown> {
  const { vl } = await load();
  return vl.compile(spec).spec;
}

/** The browser build of vega (one file that defines the global `vega`), to inline in a page. */
export function vegaBrowserBuild(): string {
  // The package exports only its module build; the browser build lies beside it.
  return fs.readFileSync(path.join(path.dirname(require.resolve("vega")), "vega.min.js"), "utf8");
}
