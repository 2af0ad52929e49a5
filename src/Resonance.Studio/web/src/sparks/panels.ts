// The four panels of the spark lab on canvases: activations and the memory field as grids of cells (one a neuron), the
// weight matrix as a heatmap of the frame's K x K bytes, and the force layout: neurons as dots coloured by activation,
// sparks as rings on top. Each draw replaces the whole picture (the page draws only the newest frame).
import { h } from '../dom';
import { css, inferno, viridis } from './colours';
import type { SparkFrame } from './frame';

const size = 320;

/** A canvas with its title, for the panel grid. */
function panel(name: string, title: string): { element: HTMLElement; canvas: HTMLCanvasElement; caption: HTMLElement } {
  const canvas = h('canvas', { width: size, height: size, 'data-panel': name });
  const caption = h('span', { class: 'muted' });
  return { element: h('figure', { class: 'spark-panel' }, h('figcaption', {}, title, ' ', caption), canvas), canvas, caption };
}

/** Draws values as a side x side image (side = ceil(sqrt(count))) through a small canvas scaled up without smoothing. */
class CellImage {
  private small = document.createElement('canvas');
  private image: ImageData | null = null;

  draw(target: CanvasRenderingContext2D, count: number, side: number, colour: (i: number) => number): void {
    if (!this.image || this.image.width !== side) {
      this.small.width = side;
      this.small.height = side;
      this.image = new ImageData(side, side);
    }
    const pixels = new Uint32Array(this.image.data.buffer);
    pixels.fill(0xfff3f1ee);                                             // cells without a neuron (N not a square)
    for (let i = 0; i < count; i++) pixels[i] = colour(i);
    this.small.getContext('2d')!.putImageData(this.image, 0, 0);
    target.imageSmoothingEnabled = false;
    target.drawImage(this.small, 0, 0, size, size);
  }
}

function maxAbs(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

export class SparkPanels {
  readonly element: HTMLElement;
  private readonly activations = panel('activations', 'Activations');
  private readonly weights = panel('weights', 'Weights W');
  private readonly memory = panel('memory', 'Memory field');
  private readonly layout = panel('layout', 'Force layout');
  private readonly cells = [new CellImage(), new CellImage(), new CellImage()];

  constructor() {
    this.element = h('div', { class: 'spark-panels' }, this.activations.element, this.weights.element, this.memory.element, this.layout.element);
  }

  draw(frame: SparkFrame): void {
    const n = frame.neurons, side = Math.ceil(Math.sqrt(n));
    const activationMax = maxAbs(frame.activations) || 1;
    this.cells[0].draw(this.activations.canvas.getContext('2d')!, n, side, (i) => viridis[Math.round(255 * Math.min(1, Math.abs(frame.activations[i]) / activationMax))]);
    this.activations.caption.textContent = `${side} x ${side}, max ${activationMax.toPrecision(3)}`;

    const k = frame.weightSide;
    this.cells[1].draw(this.weights.canvas.getContext('2d')!, k * k, k, (i) => viridis[frame.weights[i]]);
    this.weights.caption.textContent = `${k} x ${k} of ${n} x ${n}, max ${frame.weightMax.toPrecision(3)}`;

    const memoryMax = maxAbs(frame.memory) || 1;
    this.cells[2].draw(this.memory.canvas.getContext('2d')!, n, side, (i) => inferno[Math.round(255 * Math.min(1, Math.abs(frame.memory[i]) / memoryMax))]);
    this.memory.caption.textContent = `max ${memoryMax.toPrecision(3)}`;

    this.drawLayout(frame, activationMax);
  }

  private drawLayout(frame: SparkFrame, activationMax: number): void {
    const context = this.layout.canvas.getContext('2d')!;
    context.fillStyle = '#15171f';
    context.fillRect(0, 0, size, size);
    const n = frame.neurons, p = frame.positions, margin = 10;
    // fit the layout's bounding box (the positions lie in the unit square, often in a small part of it)
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, p[2 * i]); maxX = Math.max(maxX, p[2 * i]);
      minY = Math.min(minY, p[2 * i + 1]); maxY = Math.max(maxY, p[2 * i + 1]);
    }
    const scale = (size - 2 * margin) / Math.max(1e-6, maxX - minX, maxY - minY);
    const x = (i: number) => margin + (p[2 * i] - minX) * scale, y = (i: number) => margin + (p[2 * i + 1] - minY) * scale;
    const dot = n > 2000 ? 2 : 3;
    // one fill colour per band of activation (16 bands): few style changes for thousands of dots
    const bands: number[][] = Array.from({ length: 16 }, () => []);
    for (let i = 0; i < n; i++) bands[Math.min(15, Math.floor((16 * Math.abs(frame.activations[i])) / activationMax))].push(i);
    bands.forEach((members, band) => {
      context.fillStyle = css(viridis, 60 + (195 * band) / 15);
      for (const i of members) context.fillRect(x(i) - dot / 2, y(i) - dot / 2, dot, dot);
    });
    context.strokeStyle = '#ff5a36';
    context.lineWidth = 1.5;
    context.beginPath();
    for (const neuron of frame.sparks) {
      if (neuron < 0 || neuron >= n) continue;
      context.moveTo(x(neuron) + 4.5, y(neuron));
      context.arc(x(neuron), y(neuron), 4.5, 0, 2 * Math.PI);
    }
    context.stroke();
    this.layout.caption.textContent = `${n} neurons, ${frame.sparkCount} sparks${frame.layoutEnabled ? '' : ' (layout off)'}`;
  }
}
