// The load sweep of the attractor lab: retrieval success against the number of stored memories P for both nets, with
// the load where each one breaks (success below one half from there on) and the lab's current P marked.
import { h } from '../dom';
import { CurveChart, type Marker } from '../chart';
import { breakLoad } from './attractorHistory';
import type { SweepFrame } from './attractorLab';

const colours = { left: '#3b6fd8', right: '#d8533b' };

export class SweepPanel {
  readonly element: HTMLElement;
  readonly pMax = h('input', { name: 'p_max', type: 'number', min: 1, step: 1, placeholder: 'auto', title: 'largest load; 12 loads are spread up to it (default min(N, 2P))' });
  readonly pMaxError = h('span', { class: 'field-error error', 'data-error-for': 'p_max' });
  readonly button = h('button', { type: 'button', 'data-action': 'sweep' }, 'Sweep load');
  private readonly summary = h('p', { class: 'sweep-summary muted', 'data-sweep': 'none' }, 'No sweep yet: it cues every load with the lab\'s corruption and counts the cues each net retrieves.');
  private readonly chart = new CurveChart({ title: 'retrieval success against load', xLabel: 'P stored memories', yRange: [0, 1.02], height: 220 },
    [{ label: 'left', colour: colours.left, width: 2, points: true }, { label: 'right', colour: colours.right, width: 2, points: true }]);
  private last: SweepFrame | null = null;
  private memories = 0;

  constructor(onSweep: () => void) {
    this.button.addEventListener('click', onSweep);
    this.element = h('section', { class: 'sweep' },
      h('h2', {}, 'Load sweep'),
      h('div', { class: 'toolbar' }, h('label', {}, 'up to P = ', this.pMax), ' ', this.button, ' ', this.pMaxError),
      this.summary, this.chart.element);
  }

  /** The lab's current number of memories (a marker on the chart). */
  setMemories(memories: number): void {
    this.memories = memories;
    if (this.last) this.show(this.last);
  }

  show(sweep: SweepFrame): void {
    this.last = sweep;
    const left = sweep.left?.success.map((v) => v) ?? sweep.loads.map(() => null);
    const right = sweep.right?.success.map((v) => v) ?? sweep.loads.map(() => null);
    const markers: Marker[] = [];
    const words: string[] = [];
    for (const side of ['left', 'right'] as const) {
      const result = sweep[side];
      if (!result) continue;
      const load = breakLoad(sweep.loads, result.success);
      this.element.dataset[`break${side === 'left' ? 'Left' : 'Right'}`] = load === null ? 'none' : String(load);
      if (load !== null) markers.push({ x: load, label: `${result.rule} breaks`, colour: colours[side], dashed: true });
      words.push(load === null
        ? `${side} (${result.rule}) retrieves at least half the cues at every load up to ${sweep.loads[sweep.loads.length - 1]}`
        : `${side} (${result.rule}) breaks at P = ${load}`);
    }
    if (this.memories > 0) markers.push({ x: this.memories, label: `now P = ${this.memories}`, colour: '#667' });
    this.chart.setData(sweep.loads, [left, right], markers, [0, Math.max(sweep.loads[sweep.loads.length - 1], this.memories) + 1]);
    const progress = sweep.done < sweep.total ? ` (${sweep.done} of ${sweep.total} nets done)` : '';
    this.summary.textContent = `${words.join('; ')}${progress}. N = ${sweep.neurons}, ${sweep.corruption} ${sweep.level}, ${sweep.steps} steps, `
      + `${sweep.trials} cues per memory; a cue counts as retrieved at overlap >= ${sweep.retrieved_overlap}.`;
    this.summary.dataset.sweep = sweep.done >= sweep.total ? 'done' : 'running';
    this.element.dataset.sweepDone = String(sweep.done);
  }

  /** Points in the sweep chart. */
  get points(): number {
    return this.chart.points;
  }

  dispose(): void {
    this.chart.dispose();
  }
}
