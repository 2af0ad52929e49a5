// The sweep part of a sweep's run page: point counts, the settings table (mean ± 95% interval of each figure over the
// setting's completed seeds), every point (state, seed, values, figures, a link to its run page) and a link that
// compares the completed points' curves. The run page feeds it the details whenever they are read again.
import type { SweepDetails, SweepPoint } from '../api';
import { append, clear, h } from '../dom';
import { runLink } from '../route';
import { statusBadge } from './runs';

export class SweepSection {
  readonly element: HTMLElement;
  private readonly counts = h('p', { class: 'sweep-counts' });
  private readonly compare = h('a', { class: 'sweep-compare', hidden: true }, 'Compare the completed points');
  private readonly settings = h('div');
  private readonly points = h('div');

  constructor() {
    this.element = h('div', { class: 'sweep' },
      this.counts, h('p', {}, this.compare),
      h('h2', {}, 'Settings'), this.settings,
      h('h2', {}, 'Points'), this.points);
  }

  show(sweep: SweepDetails): void {
    clear(this.settings);
    clear(this.points);
    if (sweep.error) {
      this.counts.textContent = sweep.error;
      this.counts.className = 'sweep-counts problem';
      this.compare.hidden = true;
      return;
    }
    this.counts.className = 'sweep-counts';
    this.counts.textContent = countsText(sweep.counts);
    const completed = sweep.points.filter((p) => p.state === 'completed').map((p) => p.run);
    this.compare.hidden = completed.length < 2;
    this.compare.setAttribute('href', `#/compare?runs=${completed.map(encodeURIComponent).join(',')}`);
    this.settings.appendChild(settingsTable(sweep));
    this.points.appendChild(pointsTable(sweep));
  }
}

/** "3 of 4 points completed, 1 running" (only the states that have points). */
function countsText(counts: Record<string, number>): string {
  const others = ['running', 'failed', 'interrupted', 'pending', 'damaged']
    .filter((state) => (counts[state] ?? 0) > 0).map((state) => `${counts[state]} ${state}`);
  return `${counts.completed ?? 0} of ${counts.points ?? 0} points completed${others.length > 0 ? ', ' + others.join(', ') : ''}`;
}

function settingsTable(sweep: SweepDetails): HTMLElement {
  const head = h('tr', {}, ...sweep.keys.map((key) => h('th', {}, key)), h('th', { class: 'number' }, 'seeds done'),
    ...sweep.figures.map((figure) => h('th', { class: 'number' }, `${figure} (mean ± 95%)`)));
  const body = h('tbody');
  sweep.settings.forEach((setting, index) => {
    const row = h('tr', { 'data-setting': index, class: index === sweep.best ? 'best' : '' },
      ...sweep.keys.map((key) => h('td', {}, setting.values[key] ?? '')),
      h('td', { class: 'number' }, `${setting.seedsCompleted}/${setting.seeds}`),
      ...sweep.figures.map((figure) => {
        const interval = setting.figures[figure];
        const text = !interval || interval.mean === null ? '—'
          : interval.ci95 === null ? number(interval.mean) : `${number(interval.mean)} ± ${number(interval.ci95)}`;
        return h('td', { class: 'number', 'data-figure': figure }, text);
      }));
    body.appendChild(row);
  });
  if (sweep.settings.length === 0) body.appendChild(h('tr', {}, h('td', { class: 'muted', colspan: sweep.keys.length + 1 + sweep.figures.length }, 'no settings')));
  const note = sweep.best === null ? null
    : h('p', { class: 'muted' }, `Best mean ${sweep.figures[0]} in bold. Two settings whose intervals overlap are not shown to differ (Student's t over completed seeds).`);
  return h('div', {}, h('table', { class: 'sweep-settings' }, h('thead', {}, head), body), note);
}

function pointsTable(sweep: SweepDetails): HTMLElement {
  const head = h('tr', {}, h('th', {}, 'point'), h('th', {}, 'state'), h('th', { class: 'number' }, 'seed'),
    ...sweep.keys.map((key) => h('th', {}, key)), ...sweep.figures.map((figure) => h('th', { class: 'number' }, figure)));
  const body = h('tbody');
  for (const point of sweep.points) body.appendChild(pointRow(sweep, point));
  return h('table', { class: 'sweep-points' }, h('thead', {}, head), body);
}

function pointRow(sweep: SweepDetails, point: SweepPoint): HTMLElement {
  const row = h('tr', { 'data-point': point.name, 'data-state': point.state },
    h('td', {}, h('a', { href: runLink(point.run), 'data-run': point.run }, point.name)),
    h('td', {}, statusBadge({ status: point.state })),
    h('td', { class: 'number' }, point.seed));
  append(row, ...sweep.keys.map((key) => h('td', {}, point.values[key] ?? '')));
  append(row, ...sweep.figures.map((figure) => {
    const value = point.figures[figure];
    return h('td', { class: 'number', 'data-figure': figure }, value === null || value === undefined ? '—' : number(value));
  }));
  return row;
}

function number(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en');
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? value.toExponential(3) : value.toPrecision(4);
}
