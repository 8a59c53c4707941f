/**
 * Charts in JupyterLab's theme: Vega's dark theme and a light highlight colour when the theme is
 * dark, and a redraw when the user switches theme (JupyterLab marks it on <body>).
 */
const THEME_ATTRIBUTE = "data-jp-theme-light";
/** Spec config style of the marks that show the group's selection (kernel/plot/spec.ts). */
const HIGHLIGHT_STYLE = "highlight";
const DARK_HIGHLIGHT = "#f2f2f2";

export function isDarkTheme(): boolean {
  return document.body.getAttribute(THEME_ATTRIBUTE) === "false";
}

/** Calls `fn` when the theme turns from light to dark or back; returns the function that stops. */
export function onThemeChange(fn: () => void): () => void {
  let dark = isDarkTheme();
  const observer = new MutationObserver(() => {
    if (isDarkTheme() === dark) return;
    dark = !dark;
    fn();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: [THEME_ATTRIBUTE] });
  return () => observer.disconnect();
}

/** The spec (a copy the renderer owns) with the highlight colour of the theme. */
export function themed<S extends { config?: unknown }>(spec: S, dark: boolean): S {
  const config = (spec.config ?? {}) as { style?: Record<string, Record<string, unknown>> };
  const highlight = config.style?.[HIGHLIGHT_STYLE];
  if (!dark || !highlight) return spec;
  const style = { ...config.style, [HIGHLIGHT_STYLE]: { ...highlight, color: DARK_HIGHLIGHT, stroke: DARK_HIGHLIGHT } };
  return { ...spec, config: { ...config, style } };
}
