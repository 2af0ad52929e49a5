// The emergence measures as live charts (uPlot): one point per measurement (x = the step it was taken at), at most the
// latest 1,000 points, so a page left open for hours holds a fixed amount.
import { h } from '../dom';
import { LineChart } from '../chart';
import type { SparkFrame } from './frame';

const groups: [string, string[]][] = [
  ['diagonal bias', ['diagonal_bias', 'diagonal_mass_fraction', 'diagonal_baseline']],
  ['entropies', ['weight_entropy', 'weight_row_entropy', 'memory_entropy']],
  ['modularity', ['modularity', 'clustering']],
  ['layout evenness', ['layout_nn_ratio', 'layout_nn_variation']],
];

const maxPoints = 1000;

export class MeasureCharts {
  readonly element: HTMLElement;
  private readonly charts = groups.map(([title, names]) => new LineChart(title, names, 160));
  private steps: number[] = [];
  private values: (number | null)[][][] = groups.map(([, names]) => names.map(() => []));
  private last = -1;

  constructor() {
    this.element = h('div', { class: 'charts spark-charts' }, ...this.charts.map((c) => c.element));
  }

  /** Points drawn over all charts. */
  get points(): number {
    return this.charts.reduce((sum, c) => sum + c.points, 0);
  }

  /** Adds the frame's measures when they are new; starts over when the lab restarted from an earlier step. */
  add(frame: SparkFrame): boolean {
    if (!frame.measured) return false;
    const step = frame.measures.measure_step;
    if (!Number.isFinite(step) || step === this.last) return false;
    if (step < this.last) this.reset();
    this.last = step;
    this.steps.push(step);
    groups.forEach(([, names], g) => names.forEach((name, s) => {
      const v = frame.measures[name];
      this.values[g][s].push(Number.isFinite(v) ? v : null);
    }));
    if (this.steps.length > maxPoints) {
      this.steps.shift();
      for (const series of this.values) for (const values of series) values.shift();
    }
    this.charts.forEach((chart, g) => chart.setData(this.steps, this.values[g]));
    return true;
  }

  reset(): void {
    this.steps = [];
    this.values = groups.map(([, names]) => names.map(() => []));
    this.last = -1;
  }

  dispose(): void {
    for (const chart of this.charts) chart.dispose();
  }
}
