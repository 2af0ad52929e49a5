// Line charts on canvas (uPlot), one class for every chart of the studio: curves against the step (runs, compare, the spark
// lab's measures) or any x (the attractor lab's overlaps, energy and load sweep), with optional vertical markers (where
// retrieval breaks, the current P). A chart redraws at most once per animation frame however often data arrives.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';
import { frameDrawn } from './stats';

const linePalette = ['#3b6fd8', '#d8533b', '#2e9e5b', '#9b59b6', '#c99a12', '#17a2b8', '#e83e8c', '#6c757d'];

export interface Marker {
  x: number;
  label: string;
  colour: string;
  dashed?: boolean;
}

export interface SeriesSpec {
  label: string;
  colour: string;
  width?: number;
  points?: boolean;
}

export interface CurveOptions {
  title: string;
  xLabel: string;
  /** A fixed y range; the data's own when absent. */
  yRange?: [number, number];
  height?: number;
}

export class CurveChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private data: uPlot.AlignedData = [[]];
  private markers: Marker[] = [];
  private xRange: [number, number] | null = null;
  private pending = false;
  private readonly resize: ResizeObserver;

  constructor(private readonly options: CurveOptions, private readonly series: SeriesSpec[]) {
    this.element = h('div', { class: 'chart', 'data-chart': options.title });
    this.resize = new ResizeObserver(() => this.fit());
  }

  /** Replaces the data: xs ascending, one array per series (null where a series has no point); `xRange` fixes the x axis
   * (the data's own extent when null). */
  setData(xs: number[], ys: (number | null)[][], markers: Marker[] = [], xRange: [number, number] | null = null): void {
    this.data = [xs, ...ys] as uPlot.AlignedData;
    this.markers = markers;
    this.xRange = xRange;
    this.schedule();
  }

  /** Points drawn (non-null values over all series). */
  get points(): number {
    let count = 0;
    for (let s = 1; s < this.data.length; s++) for (const v of this.data[s]) if (v !== null && v !== undefined) count++;
    return count;
  }

  dispose(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      if (!this.element.isConnected) return;
      if (!this.plot) this.create();
      else this.plot.setData(this.data);
    });
  }

  private create(): void {
    const width = Math.max(200, this.element.clientWidth || 360);
    const range = this.options.yRange;
    this.plot = new uPlot({
      title: this.options.title,
      width,
      height: this.options.height ?? 170,
      scales: {
        x: { time: false, range: (_plot: uPlot, min: number, max: number) => this.xRange ?? (min === max ? [min - 1, max + 1] : [min, max]) },
        y: range ? { range: () => range } : {},
      },
      legend: { show: this.series.length > 1 && this.series.length <= 12 },
      axes: [{ label: this.options.xLabel }, {}],
      series: [{ label: this.options.xLabel }, ...this.series.map((s) => ({
        label: s.label, stroke: s.colour, width: s.width ?? 1.5, spanGaps: true, points: s.points ? { show: true, size: 6 } : {},
      }))],
      hooks: { draw: [(plot: uPlot) => { this.drawMarkers(plot); frameDrawn(); }] },
    }, this.data, this.element);
    this.resize.observe(this.element);
  }

  private drawMarkers(plot: uPlot): void {
    const context = plot.ctx;
    const { left, top, width, height } = plot.bbox;
    const ratio = window.devicePixelRatio || 1;
    context.save();
    context.font = `${11 * ratio}px system-ui, sans-serif`;
    for (const marker of this.markers) {
      const x = Math.round(plot.valToPos(marker.x, 'x', true));
      context.strokeStyle = marker.colour;
      context.fillStyle = marker.colour;
      context.lineWidth = 1.5 * ratio;
      context.setLineDash(marker.dashed ? [5 * ratio, 4 * ratio] : []);
      context.beginPath();
      context.moveTo(x, top);
      context.lineTo(x, top + height);
      context.stroke();
      const y = top + 12 * ratio + this.markers.indexOf(marker) * 13 * ratio;
      const text = context.measureText(marker.label).width;
      const after = x + 3 * ratio + text <= left + width;                                 // else the label goes left of its line
      context.fillText(marker.label, after ? x + 3 * ratio : x - 3 * ratio - text, y);
    }
    context.restore();
  }

  private fit(): void {
    if (this.plot && this.element.clientWidth > 0 && Math.abs(this.plot.width - this.element.clientWidth) > 4)
      this.plot.setSize({ width: this.element.clientWidth, height: this.options.height ?? 170 });
  }
}

/** Curves against the step, one per name, coloured in turn (runs, compare, the spark lab's measures). */
export class LineChart extends CurveChart {
  /** @param title shown above the chart; @param series one name per line (the x axis is the step). */
  constructor(title: string, series: string[], height = 180) {
    super({ title, xLabel: 'step', height }, series.map((label, i) => ({ label, colour: linePalette[i % linePalette.length] })));
  }
}

/** The numeric keys of metrics lines, in first-seen order, without the step and without wall-clock keys last. */
export function numericKeys(lines: Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const line of lines)
    for (const [key, value] of Object.entries(line))
      if (key !== 'step' && typeof value === 'number' && !seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
  const clock = (key: string) => key.endsWith('_s') || key.endsWith('_per_s');
  return [...keys.filter((k) => !clock(k)), ...keys.filter(clock)];
}

/** The step of a metrics line (its index when it has none). */
export function stepOf(line: Record<string, unknown>, index: number): number {
  return typeof line.step === 'number' ? line.step : index;
}
