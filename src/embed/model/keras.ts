import type { TfjsAttr, TfjsNode, Weight } from "./tfjs";

/**
 * A TF.js LayersModel (Keras `model_config`) rewritten as the TF graph the ONNX converter reads:
 * each layer becomes the ops TensorFlow runs for it, so one conversion (checked against TF.js)
 * serves both model formats. Batch normalisation becomes a per-channel multiply and add, which
 * onnxruntime folds into the convolution before it. Layers with no rewrite here (Dense, Dropout,
 * Flatten) become nodes that the converter refuses only if a requested output depends on them.
 */

export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /** [[[inbound layer, node index, tensor index, kwargs], ...]] */
  inbound_nodes: [string, number, number, unknown][][];
}

export interface KerasModel {
  modelTopology: { model_config: { config: { layers: KerasLayer[] } } };
}

/** One op of a layer; "$" in `inputs` is the output of the op before it. */
interface Step {
  op: string;
  inputs: string[];
  attr?: Record<string, TfjsAttr>;
}

/** The graph nodes of a layers model; `weights` gains the constants they add (BN scale and shift, paddings). */
export function kerasToGraph(model: KerasModel, weights: Map<string, Weight>): TfjsNode[] {
  const nodes: TfjsNode[] = [];
  const constant = (name: string, w?: Weight): string => {
    if (w) weights.set(name, w);
    else if (!weights.has(name)) throw new Error(`the model has no weight ${name}`);
    nodes.push({ name, op: "Const" });
    return name;
  };
  for (const layer of model.modelTopology.model_config.config.layers) {
    const steps = layerSteps(
      layer,
      (key, w) => constant(`${layer.name}/${key}`, w),
      (key) => weights.get(`${layer.name}/${key}`),
    );
    steps.forEach((s, k) => {
      const name = k === steps.length - 1 ? layer.name : `${layer.name}/${k}`;
      nodes.push({
        name,
        op: s.op,
        input: s.inputs.map((i) => (i === "$" ? `${layer.name}/${k - 1}` : i)),
        attr: s.attr ?? {},
      });
    });
  }
  return nodes;
}

function layerSteps(
  layer: KerasLayer,
  constant: (key: string, w?: Weight) => string,
  weight: (key: string) => Weight | undefined,
): Step[] {
  const c = layer.config;
  const inputs = (layer.inbound_nodes[0] ?? []).map(([name]) => name);
  const unsupported = [{ op: `Keras ${layer.class_name}`, inputs }];
  switch (layer.class_name) {
    case "InputLayer":
      return [
        {
          op: "Placeholder",
          inputs: [],
          attr: {
            shape: {
              shape: { dim: (c.batch_input_shape as (number | null)[]).map((d) => ({ size: String(d ?? -1) })) },
            },
          },
        },
      ];
    case "ZeroPadding2D": {
      const [[t, b], [l, r]] = c.padding as number[][];
      return [
        {
          op: "Pad",
          inputs: [inputs[0], constant("paddings", { data: Int32Array.of(0, 0, t, b, l, r, 0, 0), shape: [4, 2] })],
        },
      ];
    }
    case "Conv2D":
    case "DepthwiseConv2D": {
      const depthwise = layer.class_name === "DepthwiseConv2D";
      const [sh, sw] = c.strides as number[],
        [dh, dw] = c.dilation_rate as number[];
      const steps: Step[] = [
        {
          op: depthwise ? "DepthwiseConv2dNative" : "Conv2D",
          inputs: [inputs[0], constant(depthwise ? "depthwise_kernel" : "kernel")],
          attr: {
            strides: ints(1, sh, sw, 1),
            dilations: ints(1, dh, dw, 1),
            padding: text((c.padding as string).toUpperCase()),
            data_format: text("NHWC"),
          },
        },
      ];
      if (c.use_bias) steps.push({ op: "AddV2", inputs: ["$", constant("bias")] });
      if (c.activation === "relu") steps.push({ op: "Relu", inputs: ["$"] });
      return c.activation === "linear" || c.activation === "relu" ? steps : unsupported;
    }
    case "BatchNormalization": {
      const [gamma, beta, mean, variance] = ["gamma", "beta", "moving_mean", "moving_variance"].map(weight);
      if (!mean || !variance) return unsupported;
      const scale = mean.data.map(
        (_, k) => (gamma ? gamma.data[k] : 1) / Math.sqrt(variance.data[k] + (c.epsilon as number)),
      );
      const shift = mean.data.map((m, k) => (beta ? beta.data[k] : 0) - m * scale[k]);
      return [
        { op: "Mul", inputs: [inputs[0], constant("bn_scale", { data: Float32Array.from(scale), shape: mean.shape })] },
        { op: "AddV2", inputs: ["$", constant("bn_shift", { data: Float32Array.from(shift), shape: mean.shape })] },
      ];
    }
    case "ReLU":
      if (c.negative_slope || c.threshold) return unsupported;
      return c.max_value === null || c.max_value === undefined
        ? [{ op: "Relu", inputs }]
        : c.max_value === 6
          ? [{ op: "Relu6", inputs }]
          : unsupported;
    case "Add":
      return inputs.slice(1).map((x, k) => ({ op: "AddV2", inputs: [k === 0 ? inputs[0] : "$", x] }));
    case "AveragePooling2D":
    case "MaxPooling2D": {
      const [kh, kw] = c.pool_size as number[],
        [sh, sw] = (c.strides ?? c.pool_size) as number[];
      const op = layer.class_name === "AveragePooling2D" ? "AvgPool" : "MaxPool";
      return [
        {
          op,
          inputs,
          attr: {
            ksize: ints(1, kh, kw, 1),
            strides: ints(1, sh, sw, 1),
            padding: text((c.padding as string).toUpperCase()),
            data_format: text("NHWC"),
          },
        },
      ];
    }
    case "GlobalAveragePooling2D":
      return [
        {
          op: "Mean",
          inputs: [inputs[0], constant("axes", { data: Int32Array.of(1, 2), shape: [2] })],
          attr: { keep_dims: { b: false } },
        },
      ];
  }
  return unsupported;
}

function ints(...i: number[]): TfjsAttr {
  return { list: { i } };
}

function text(s: string): TfjsAttr {
  return { s: Buffer.from(s).toString("base64") };
}
