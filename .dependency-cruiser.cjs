/**
 * The layering rules of DESIGN.md, checked by `npm run check:deps` (and so by `npm test` and CI):
 * the library knows nothing of Jupyter, and the extension shares only the protocol with the kernel.
 */
module.exports = {
  forbidden: [
    {
      name: "src-imports-no-kernel-or-extension",
      comment:
        "src/ is the engine: scripts and the CLI use it without Jupyter, so it never imports kernel/ or extension/.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(kernel|extension)/" },
    },
    {
      name: "extension-imports-only-the-protocol",
      comment:
        "The extension is bundled for the browser: from outside extension/ it may import only kernel/protocol.ts.",
      severity: "error",
      from: { path: "^extension/" },
      to: { pathNot: ["^extension/", "^kernel/protocol\\.ts$"] },
    },
    {
      name: "protocol-stands-alone",
      comment: "kernel/protocol.ts is compiled into the extension too, so it imports nothing.",
      severity: "error",
      from: { path: "^kernel/protocol\\.ts$" },
      to: {},
    },
    {
      name: "no-unresolvable-imports",
      comment: "An import the checker cannot resolve is one it cannot check.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|lib)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".tsx", ".js", ".cjs", ".mjs", ".json", ".d.ts"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
