// Canvas drawings of the attractor lab: a pattern as a side x side grid (+1 dark, -1 light, values between shaded),
// the overlaps with every memory as bars, and a grid the user draws on (click or drag toggles cells).
import { frameDrawn } from '../stats';
import { encodeDrawn } from './attractorDrawn';

const dark = [29, 35, 48];
const light = [246, 241, 230];
const accent = '#d8533b';

/** A cell's colour for a value: +1 dark, -1 light, linear between; beyond ±1 (noisy cues) clamped. */
export function cellColour(value: number): string {
  const t = (Math.max(-1, Math.min(1, value)) + 1) / 2;
  const mix = (i: number) => Math.round(light[i] + (dark[i] - light[i]) * t);
  return `rgb(${mix(0)},${mix(1)},${mix(2)})`;
}

/** Sizes a canvas to `pixels` CSS pixels square, sharp on high-density screens; returns its 2D context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement, width: number, height = width): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/** Draws `values` (side² entries, row by row) on a `pixels`-wide canvas; `outline` frames it (a picked memory). */
export function drawGrid(canvas: HTMLCanvasElement, values: ArrayLike<number>, side: number, pixels: number, outline: string | null = null): void {
  const context = prepare(canvas, pixels);
  const cell = pixels / side;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, pixels, pixels);
  for (let row = 0; row < side; row++)
    for (let column = 0; column < side; column++) {
      context.fillStyle = cellColour(values[row * side + column] ?? 0);
      context.fillRect(column * cell, row * cell, Math.ceil(cell), Math.ceil(cell));
    }
  if (cell >= 6) {
    context.strokeStyle = 'rgba(128,128,128,0.25)';
    context.lineWidth = 1;
    context.beginPath();
    for (let i = 1; i < side; i++) {
      context.moveTo(i * cell, 0);
      context.lineTo(i * cell, pixels);
      context.moveTo(0, i * cell);
      context.lineTo(pixels, i * cell);
    }
    context.stroke();
  }
  if (outline) {
    context.strokeStyle = outline;
    context.lineWidth = 3;
    context.strokeRect(1.5, 1.5, pixels - 3, pixels - 3);
  }
  frameDrawn();
}

/** Bars of the overlap with every memory (in [-1, 1], zero in the middle); the target's bar in the accent colour. */
export function drawOverlapBars(canvas: HTMLCanvasElement, overlaps: number[], target: number | null, width: number, height: number): void {
  const context = prepare(canvas, width, height);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  const top = 14, bottom = height - 14, zero = (top + bottom) / 2, half = (bottom - top) / 2;
  context.strokeStyle = '#c5cbd8';
  context.lineWidth = 1;
  context.beginPath();
  for (const y of [top, zero, bottom]) {
    context.moveTo(24, y + 0.5);
    context.lineTo(width, y + 0.5);
  }
  context.stroke();
  context.fillStyle = '#667';
  context.font = '10px system-ui, sans-serif';
  context.textBaseline = 'middle';
  context.fillText('+1', 2, top);
  context.fillText('0', 8, zero);
  context.fillText('-1', 4, bottom);
  const count = Math.max(1, overlaps.length);
  const slot = (width - 28) / count;
  const bar = Math.max(1, Math.min(28, slot * 0.7));
  overlaps.forEach((value, index) => {
    const x = 28 + index * slot + (slot - bar) / 2;
    const y = zero - Math.max(-1, Math.min(1, value)) * half;
    context.fillStyle = index === target ? accent : '#3b6fd8';
    context.fillRect(x, Math.min(y, zero), bar, Math.max(1, Math.abs(y - zero)));
    if (slot >= 16) {
      context.fillStyle = '#445';
      context.textBaseline = 'alphabetic';
      context.fillText(String(index), x + bar / 2 - 3, height - 2);
    }
  });
  frameDrawn();
}

/**
 * A grid to draw a pattern on: a press toggles the cell under it, and dragging paints the cells it crosses with the
 * value the first cell took. Values are -1 or +1, row by row.
 */
export class GridEditor {
  readonly canvas: HTMLCanvasElement;
  private values: number[] = [];
  private side = 1;
  private paint: number | null = null;

  constructor(private readonly pixels: number, private readonly changed: () => void) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'grid editor';
    this.canvas.setAttribute('data-grid', 'draw');
    this.canvas.addEventListener('pointerdown', (event) => {
      const cell = this.cellAt(event);
      if (cell === null) return;
      this.canvas.setPointerCapture(event.pointerId);
      this.paint = -this.values[cell];
      this.set(cell);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (this.paint === null) return;
      const cell = this.cellAt(event);
      if (cell !== null && this.values[cell] !== this.paint) this.set(cell);
    });
    const end = () => { this.paint = null; };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  /** The grid's side. */
  get gridSide(): number {
    return this.side;
  }

  /** The pattern drawn, row by row. */
  get pattern(): number[] {
    return [...this.values];
  }

  /** Starts from `values` (a side² pattern, copied with signs only) or all -1. */
  load(side: number, values?: ArrayLike<number>): void {
    this.side = side;
    this.values = Array.from({ length: side * side }, (_, i) => (values && values[i] > 0 ? 1 : -1));
    this.draw();
  }

  invert(): void {
    this.values = this.values.map((v) => -v);
    this.draw();
    this.changed();
  }

  private set(cell: number): void {
    this.values[cell] = this.paint!;
    this.draw();
    this.changed();
  }

  private cellAt(event: PointerEvent): number | null {
    const box = this.canvas.getBoundingClientRect();
    const column = Math.floor(((event.clientX - box.left) / box.width) * this.side);
    const row = Math.floor(((event.clientY - box.top) / box.height) * this.side);
    if (column < 0 || row < 0 || column >= this.side || row >= this.side) return null;
    return row * this.side + column;
  }

  private draw(): void {
    drawGrid(this.canvas, this.values, this.side, this.pixels);
    this.canvas.dataset.drawn = encodeDrawn(this.side, this.values) ?? '';         // what the URL keeps (tests read it)
  }
}
