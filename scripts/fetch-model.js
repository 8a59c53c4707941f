#!/usr/bin/env node
"use strict";
// Puts the built-in embedding models (MobileNetV2s from the nsfwjs package, converted to ONNX)
// into the models cache, so that embeddings work offline afterwards. Needs the npm registry
// once; a later run finds the models cached and does nothing. Run after the TypeScript build.
const { loadModel } = require("../dist/src/embed/model/load.js");
const { BUILTINS } = require("../dist/src/embed/model/mobilenet.js");

(async () => {
  for (const name of Object.keys(BUILTINS)) {
    const m = await loadModel(name);
    console.log(`embedding model ${name} (${m.card.name}): ${m.path}`);
  }
})().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
