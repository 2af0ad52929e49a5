// The spark lab's binary frame (format 2, docs/studio.md "Spark lab protocol"), read with typed-array views: no copies.
export const measureNames = [
  'measure_step', 'diagonal_bias', 'diagonal_mass_fraction', 'diagonal_baseline', 'weight_entropy', 'weight_row_entropy',
  'memory_entropy', 'graph_edges', 'clustering', 'modularity', 'communities', 'layout_nn_ratio', 'layout_nn_variation', 'mean_activation',
] as const;

export interface SparkFrame {
  playing: boolean;
  measured: boolean;
  layoutEnabled: boolean;
  step: number;
  /** Wall-clock time of the publish, ms since 1970 (same machine as the page). */
  wallClockMs: number;
  neurons: number;
  sparkCount: number;
  weightSide: number;
  weightMax: number;
  stepsPerSecond: number;
  revision: number;
  activations: Float32Array;
  memory: Float32Array;
  /** x0, y0, x1, y1, ... in the unit square. */
  positions: Float32Array;
  /** The neuron each spark sits at. */
  sparks: Int32Array;
  /** W mean-pooled to K x K, row = from, byte / 255 * weightMax. */
  weights: Uint8Array;
  /** By name (NaN before the first measurement). */
  measures: Record<string, number>;
}

const magic = 0x4b505352;
const headerBytes = 72;

/** Reads a frame; throws on anything that is not a spark lab frame of format 2. */
export function decodeFrame(buffer: ArrayBuffer): SparkFrame {
  const view = new DataView(buffer);
  if (buffer.byteLength < headerBytes || view.getUint32(0, true) !== magic) throw new Error('not a spark lab frame');
  const version = view.getUint16(4, true);
  if (version !== 2) throw new Error(`spark lab frame format ${version}; this page reads format 2`);
  const flags = view.getUint16(6, true);
  const n = view.getUint32(24, true), s = view.getUint32(28, true), k = view.getUint32(32, true), m = view.getUint32(40, true);
  const weightsAt = view.getUint32(52, true), measuresAt = view.getUint32(56, true);
  if (view.getUint32(60, true) !== buffer.byteLength || measuresAt + 8 * m !== buffer.byteLength) throw new Error('a spark lab frame of the wrong length');
  const measures: Record<string, number> = {};
  const values = new Float64Array(buffer, measuresAt, m);
  for (let i = 0; i < m && i < measureNames.length; i++) measures[measureNames[i]] = values[i];
  return {
    playing: (flags & 1) !== 0,
    measured: (flags & 2) !== 0,
    layoutEnabled: (flags & 4) !== 0,
    step: view.getFloat64(8, true),
    wallClockMs: view.getFloat64(64, true),
    neurons: n,
    sparkCount: s,
    weightSide: k,
    weightMax: view.getFloat32(36, true),
    stepsPerSecond: view.getFloat32(44, true),
    revision: view.getUint32(48, true),
    activations: new Float32Array(buffer, headerBytes, n),
    memory: new Float32Array(buffer, headerBytes + 4 * n, n),
    positions: new Float32Array(buffer, headerBytes + 8 * n, 2 * n),
    sparks: new Int32Array(buffer, headerBytes + 16 * n, s),
    weights: new Uint8Array(buffer, weightsAt, k * k),
    measures,
  };
}
