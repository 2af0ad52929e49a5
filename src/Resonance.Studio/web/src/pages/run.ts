// #/runs/NAME: the run's status, Stop while it runs here, live metric charts (one per metric, growing as lines are
// appended), its plots, summary and config. ?keys=a,b limits the charts to those metrics. A sweep's page adds its
// settings and points (SweepSection); a sweep's point has its own page, #/runs/SWEEP/runs/POINT.
import { api, fileUrl, type MetricsLine, type RunDetails, type RunEntry } from '../api';
import { append, clear, h } from '../dom';
import { LineChart, numericKeys, stepOf } from '../chart';
import { live } from '../live';
import { runLink, type Route } from '../route';
import { setChartPoints } from '../stats';
import { statusBadge } from './runs';
import type { PageFactory } from './page';
import { SweepSection } from './sweep';

export const runPage: PageFactory = (main, route: Route) => {
  const name = route.path.slice(1).join('/');
  // a sweep's point is not in the run list: its page follows the sweep's entry
  const parent = /^([^/]+)\/runs\/[^/]+$/.exec(name)?.[1] ?? null;
  const only = route.query.get('keys')?.split(',').filter((k) => k.length > 0) ?? [];
  const status = h('span');
  const stop = h('button', { type: 'button', class: 'stop', hidden: true, onclick: async () => {
    stop.disabled = true;
    try { await api.stop(name); note.textContent = 'stopping: the run saves what can be resumed, then ends interrupted'; }
    catch (error) { note.textContent = (error as Error).message; stop.disabled = false; }
  } }, 'Stop');
  const note = h('div', { class: 'muted' });
  const charts = h('div', { class: 'charts' });
  const plots = h('div', { class: 'plots' });
  const summary = h('div');
  const config = h('pre', { class: 'config' });
  const output = h('pre', { class: 'output', hidden: true });
  let sweep: SweepSection | null = null;
  const sweepHolder = h('div');
  append(main, h('section', {},
    h('h1', {}, name, ' ', status, ' ', stop),
    parent ? h('p', { class: 'parent' }, 'a point of the sweep ', h('a', { href: runLink(parent), 'data-run': parent }, parent)) : null,
    note, sweepHolder,
    h('h2', {}, 'Metrics'), charts,
    h('h2', {}, 'Plots'), plots,
    h('h2', {}, 'Summary'), summary,
    h('h2', {}, 'Config'), config, output));

  const lines: MetricsLine[] = [];
  const chartByKey = new Map<string, LineChart>();
  // a sweep's lines are its finished points; their seed is no curve
  const skipped = new Set<string>();
  const redraw = () => {
    const keys = numericKeys(lines).filter((k) => (only.length === 0 || only.includes(k)) && !skipped.has(k));
    for (const key of keys) if (!chartByKey.has(key)) {
      const chart = new LineChart(key, [key]);
      chartByKey.set(key, chart);
      charts.appendChild(chart.element);
    }
    const xs = lines.map(stepOf);
    let points = 0;
    for (const [key, chart] of chartByKey) {
      chart.setData(xs, [lines.map((line) => (typeof line[key] === 'number' ? (line[key] as number) : null))]);
      points += xs.length;
    }
    setChartPoints(points);
    if (keys.length === 0) charts.textContent = 'no metrics yet';
    else if (charts.firstChild?.nodeType === Node.TEXT_NODE) charts.removeChild(charts.firstChild);
  };
  const unfollow = live.follow(name, (start, batch) => {
    lines.length = Math.min(lines.length, start);
    lines.push(...batch);
    redraw();
  });

  let shownState: string | undefined;
  const show = (details: RunDetails) => {
    if (parent) {
      clear(status);
      status.appendChild(statusBadge(details));
    }
    if (details.sweep) {
      if (!skipped.has('seed')) {
        skipped.add('seed');
        chartByKey.get('seed')?.element.remove();
        chartByKey.get('seed')?.dispose();
        chartByKey.delete('seed');
        redraw();
      }
      if (!sweep) {
        sweep = new SweepSection();
        sweepHolder.appendChild(sweep.element);
      }
      sweep.show(details.sweep);
    }
    clear(plots);
    for (const plot of details.plots)
      plots.appendChild(h('a', { href: fileUrl(plot), target: '_blank' }, h('img', { src: fileUrl(plot), alt: plot, loading: 'lazy' })));
    if (details.plots.length === 0) plots.textContent = 'no plots yet';
    clear(summary);
    summary.appendChild(summaryTable(details.summary));
    config.textContent = details.config ?? '(no config.yaml)';
    if (details.launch && details.launch.exitCode !== null && details.launch.exitCode !== 0 && details.launch.output.length > 0) {
      output.hidden = false;
      output.textContent = details.launch.output.join('\n');
    }
  };
  // One read at a time; a read asked for while one is in flight follows it.
  let loading = false, again = false, disposed = false;
  const load = () => {
    if (loading) { again = true; return; }
    loading = true;
    api.run(name).then((details) => { if (!disposed) show(details); })
      .catch((error: Error) => { if (!disposed) note.textContent = error.message; })
      .finally(() => {
        loading = false;
        if (again && !disposed) { again = false; load(); }
      });
  };
  // The details are read once the run is in the pushed list (a run started a moment ago has no folder yet), and again
  // whenever its status changes (its summary and plots are final then) or, for a sweep, its point counts (a point
  // started or ended). A sweep's point is read again whenever its sweep's entry changes.
  const unsubscribe = live.subscribeRuns((runs: RunEntry[]) => {
    const entry = runs.find((r) => r.name === (parent ?? name));
    if (!entry) {
      if (shownState === undefined) note.textContent = `no run called ${parent ?? name} in the runs folder (yet)`;
      return;
    }
    if (shownState === undefined) note.textContent = '';
    if (!parent) {
      clear(status);
      status.appendChild(statusBadge(entry));
      stop.hidden = !entry.live;
    }
    const state = JSON.stringify([entry.status, entry.progress ?? null]);
    if (shownState !== state) load();
    shownState = state;
  });
  return {
    dispose() {
      disposed = true;
      unfollow();
      unsubscribe();
      for (const chart of chartByKey.values()) chart.dispose();
    },
  };
};

function summaryTable(summary: Record<string, unknown> | null): HTMLElement {
  if (!summary) return h('p', { class: 'muted' }, 'no summary.json yet');
  const body = h('tbody');
  for (const [key, value] of Object.entries(summary))
    body.appendChild(h('tr', {}, h('th', {}, key), h('td', { class: typeof value === 'number' ? 'number' : '' }, format(value))));
  return h('table', { class: 'summary' }, body);
}

function format(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en') : value.toPrecision(5);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
