// Line charts on canvas (uPlot). A chart redraws at most once per animation frame however often data arrives.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';
import { frameDrawn } from './stats';

const palette = ['#3b6fd8', '#d8533b', '#2e9e5b', '#9b59b6', '#c99a12', '#17a2b8', '#e83e8c', '#6c757d'];

export class LineChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private data: uPlot.AlignedData = [[]];
  private pending = false;
  private readonly resize: ResizeObserver;

  /** @param title shown above the chart; @param series one name per line (the x axis is the step). */
  constructor(readonly title: string, private readonly series: string[], private readonly height = 180) {
    this.element = h('div', { class: 'chart', 'data-chart': title });
    this.resize = new ResizeObserver(() => this.fit());
  }

  /** Replaces the data: xs ascending, one array per series (null where a series has no point). */
  setData(xs: number[], ys: (number | null)[][]): void {
    this.data = [xs, ...ys] as uPlot.AlignedData;
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
    const width = Math.max(200, this.element.clientWidth || 400);
    this.plot = new uPlot({
      title: this.title,
      width,
      height: this.height,
      scales: { x: { time: false } },
      legend: { show: this.series.length > 1 },
      axes: [{ label: 'step' }, {}],
      series: [{ label: 'step' }, ...this.series.map((label, i) => ({ label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true }))],
      hooks: { draw: [() => frameDrawn()] },
    }, this.data, this.element);
    this.resize.observe(this.element);
  }

  private fit(): void {
    if (this.plot && this.element.clientWidth > 0 && Math.abs(this.plot.width - this.element.clientWidth) > 4)
      this.plot.setSize({ width: this.element.clientWidth, height: this.height });
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
