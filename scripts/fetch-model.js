#!/usr/bin/env node
"use strict";
// Puts the built-in embedding model (MobileNetV2 from the nsfwjs package, converted to ONNX) into
// the models cache, so that embeddings work offline afterwards. Needs the npm registry once;
// a later run finds the model cached and does nothing. Run after the TypeScript build.
require("../dist/src/embed/model/load.js")
  .loadModel("mobilenet_v2")
  .then((m) => console.log(`embedding model ${m.card.name}: ${m.path}`))
  .catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
