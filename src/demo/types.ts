/** Vocabulary and plan types of the demo dataset; plans are pure data, pixels come later. */

/** Category order is fixed so category ids are stable across runs. */
export const CLASSES = ["car", "person", "bicycle", "truck", "traffic_light", "dog"] as const;
export type ClassName = (typeof CLASSES)[number];

export const TIMES = ["day", "dusk", "night"] as const;
export const WEATHERS = ["clear", "rain", "fog", "snow"] as const;
export const CAMERAS = ["cam_a", "cam_b", "cam_c", "cam_d", "cam_e"] as const;
export const LOCATIONS = ["Lyon", "Osaka", "Austin", "Porto"] as const;
export const SPLITS = ["train", "val", "test", "production"] as const;

export type TimeOfDay = (typeof TIMES)[number];
export type Weather = (typeof WEATHERS)[number];
export type Split = (typeof SPLITS)[number];

/** BOX CONVENTION of the dataset: absolute pixels, x/y top-left, w/h size. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Context {
  split: Split;
  time_of_day: TimeOfDay;
  weather: Weather;
  camera: string;
  location: string;
  capture_time: string;
}

/** Where the street sits in the frame; objects are placed against it. */
export interface Layout {
  horizon: number;
  /** x of the vanishing point of the road. */
  vanish: number;
  /** Seed of the background details (buildings, windows, streaks). */
  seed: number;
}

/** An object as drawn in the image. */
export interface SceneObject extends Box {
  label: ClassName;
  /** Picks the colour variant, in [0, 1). */
  tone: number;
  /** Planted: drawn but left out of the ground truth. */
  unlabeled?: boolean;
}

/** A ground-truth box; `object` is the drawn object it annotates. */
export interface GtBox extends Box {
  label: ClassName;
  object: number;
  /** Planted label error: the class was swapped, or the box enlarged. */
  planted?: "mislabeled" | "loose";
}

export interface Prediction extends Box {
  label: ClassName;
  confidence: number;
  /** The drawn object it detects, or -1 for a false positive. */
  object: number;
  /** Planted overconfident error (confidence > 0.9). */
  planted?: "false_positive" | "wrong_class";
}

export type ImageEffect = "dark" | "overexposed" | "blurred" | "low_information";

export interface SamplePlan {
  index: number;
  id: string;
  /** File name inside the images folder. */
  file: string;
  format: "jpeg" | "png";
  quality: number;
  context: Context;
  layout: Layout;
  objects: SceneObject[];
  gt: GtBox[];
  predictions: Prediction[];
  effect?: ImageEffect;
  /** Exact duplicate: the file is a byte copy of this sample's file. */
  copyOf?: number;
  /** Near duplicate: this sample's scene, shifted and re-lit. */
  nearOf?: { index: number; dx: number; dy: number; gain: number };
  /** Recording the sample comes from (the demo's group field, see sequences.ts). */
  sequence?: string;
  /** Planted group leak: this sample's recording was given the name of one in another split. */
  sequenceLeak?: boolean;
}
