// One side of the attractor lab: the net's rule, its state grid, the overlap with every memory now (bars) and per step
// (curves), its energy per step (where it has one), and a learned net's training progress.
import { h } from '../dom';
import { CurveChart } from '../chart';
import { palette } from './attractorCharts';
import { drawGrid, drawOverlapBars } from './attractorGrid';
import type { SideHistory } from './attractorHistory';
import type { NetFrame, TrainingFrame } from './attractorLab';

const statePixels = 240;

export class NetPanel {
  readonly element: HTMLElement;
  private readonly title = h('h2', {});
  private readonly figures = h('div', { class: 'net-figures' });
  private readonly stateCanvas = h('canvas', { class: 'grid', 'data-grid': 'state' });
  private readonly bars = h('canvas', { class: 'bars', 'data-bars': 'overlaps' });
  private readonly training = h('div', { class: 'training', hidden: true });
  private readonly progress = h('progress', { max: 1, value: 0 });
  private readonly trainingText = h('span', { class: 'muted' });
  private readonly charts = h('div', { class: 'net-charts' });
  private overlapChart: CurveChart | null = null;
  private energyChart: CurveChart | null = null;
  private memories = -1;
  private hasEnergy: boolean | null = null;

  constructor(readonly side: 'left' | 'right') {
    this.training.append(this.progress, ' ', this.trainingText);
    this.element = h('section', { class: 'net', 'data-net': side },
      this.title, this.figures, this.training,
      h('div', { class: 'net-now' }, this.stateCanvas, this.bars),
      this.charts);
  }

  /** Shows a retrieval frame: the state now, the bars now, the curves so far. */
  show(net: NetFrame, side: number, target: number | null, step: number, history: SideHistory, steps: number[], lastStep: number): void {
    this.title.textContent = `${this.side === 'left' ? 'Left' : 'Right'}: ${net.rule}`;
    this.element.dataset.rule = net.rule;
    this.element.dataset.step = String(step);
    this.element.dataset.targetOverlap = net.target_overlap.toFixed(4);
    const energy = net.energy === null ? '' : `   energy ${net.energy.toFixed(3)}`;
    this.figures.textContent = `step ${step}   overlap with the ${target === null ? 'drawn pattern' : `memory ${target}`} ${net.target_overlap.toFixed(3)}${energy}`;
    drawGrid(this.stateCanvas, net.state, side, statePixels);
    const width = Math.max(160, (this.element.clientWidth || 560) - statePixels - 40);
    drawOverlapBars(this.bars, net.overlaps, target, Math.min(width, 420), statePixels);
    this.ensureCharts(net.overlaps.length, net.energy !== null);
    const ys = history.overlaps.map((series) => [...series]);
    const xRange: [number, number] = [0, Math.max(1, lastStep, steps[steps.length - 1] ?? 0)];
    this.overlapChart!.setData([...steps], ys, [], xRange);
    if (this.energyChart) this.energyChart.setData([...steps], [[...history.energy]], [], xRange);
  }

  /** Shows a training frame of this side's learned net. */
  showTraining(frame: TrainingFrame): void {
    const done = frame.epoch >= frame.epochs;
    this.training.hidden = false;
    this.training.classList.toggle('done', done);
    this.progress.max = frame.epochs;
    this.progress.value = frame.epoch;
    const load = frame.load_memories ? ` (sweep, P = ${frame.load_memories})` : '';
    const loss = frame.loss === null ? '' : `, loss ${frame.loss.toPrecision(3)}`;
    this.trainingText.textContent = `${done ? 'trained' : 'training'} ${frame.rule}${load}: epoch ${frame.epoch} of ${frame.epochs}${loss}`;
    this.element.dataset.trainingEpoch = String(frame.epoch);
  }

  /** The learned net's training has ended (the configure or sweep replied): its last frames may have been dropped for
   * newer ones, so the bar is completed here; a side that no longer learns hides it. */
  finishTraining(learns: boolean): void {
    if (!learns) {
      this.training.hidden = true;
      return;
    }
    if (this.training.hidden) return;
    this.progress.value = this.progress.max;
    this.training.classList.add('done');
    this.trainingText.textContent = this.trainingText.textContent!.replace(/^training/, 'trained').replace(/epoch \d+ of (\d+)/, 'epoch $1 of $1');
    this.element.dataset.trainingEpoch = String(this.progress.max);
  }

  /** Points in this side's curves. */
  get points(): number {
    return (this.overlapChart?.points ?? 0) + (this.energyChart?.points ?? 0);
  }

  dispose(): void {
    this.overlapChart?.dispose();
    this.energyChart?.dispose();
  }

  private ensureCharts(memories: number, hasEnergy: boolean): void {
    if (memories === this.memories && hasEnergy === this.hasEnergy) return;
    this.dispose();
    this.charts.textContent = '';
    this.memories = memories;
    this.hasEnergy = hasEnergy;
    this.overlapChart = new CurveChart({ title: 'overlap with each memory', xLabel: 'step', yRange: [-1, 1.05] },
      Array.from({ length: memories }, (_, i) => ({ label: `m${i}`, colour: palette[i % palette.length] })));
    this.charts.append(this.overlapChart.element);
    this.energyChart = hasEnergy ? new CurveChart({ title: 'energy', xLabel: 'step', height: 140 }, [{ label: 'energy', colour: '#d8533b', points: true }]) : null;
    if (this.energyChart) this.charts.append(this.energyChart.element);
    else this.charts.append(h('p', { class: 'muted no-energy' }, 'No energy for this rule: the lab computes one for the weight-matrix rules and the constructed dense memory.'));
  }
}
