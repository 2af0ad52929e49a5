// #/runs/NAME: the run's status, Stop while it runs here, live metric charts (one per metric, growing as lines are
// appended), its plots, summary and config. ?keys=a,b limits the charts to those metrics.
import { api, fileUrl, type MetricsLine, type RunDetails, type RunEntry } from '../api';
import { append, clear, h } from '../dom';
import { LineChart, numericKeys, stepOf } from '../chart';
import { live } from '../live';
import type { Route } from '../route';
import { setChartPoints } from '../stats';
import { statusBadge } from './runs';
import type { PageFactory } from './page';

export const runPage: PageFactory = (main, route: Route) => {
  const name = route.path[1];
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
  append(main, h('section', {},
    h('h1', {}, name, ' ', status, ' ', stop), note,
    h('h2', {}, 'Metrics'), charts,
    h('h2', {}, 'Plots'), plots,
    h('h2', {}, 'Summary'), summary,
    h('h2', {}, 'Config'), config, output));

  const lines: MetricsLine[] = [];
  const chartByKey = new Map<string, LineChart>();
  const redraw = () => {
    const keys = numericKeys(lines).filter((k) => only.length === 0 || only.includes(k));
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

  let shownStatus: string | null | undefined;
  const show = (details: RunDetails) => {
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
  const load = () => api.run(name).then(show).catch((error: Error) => { note.textContent = error.message; });
  // The details are read once the run is in the pushed list (a run started a moment ago has no folder yet), and again
  // whenever its status changes (its summary and plots are final then).
  const unsubscribe = live.subscribeRuns((runs: RunEntry[]) => {
    const entry = runs.find((r) => r.name === name);
    if (!entry) {
      if (shownStatus === undefined) note.textContent = `no run called ${name} in the runs folder (yet)`;
      return;
    }
    if (shownStatus === undefined) note.textContent = '';
    clear(status);
    status.appendChild(statusBadge(entry));
    stop.hidden = !entry.live;
    if (shownStatus !== entry.status) load();
    shownStatus = entry.status;
  });
  return {
    dispose() {
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
