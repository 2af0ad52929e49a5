// #/compare?runs=a,b&key=loss: two or more runs' curves of one metric on one chart.
import { api, type RunDetails } from '../api';
import { append, clear, h } from '../dom';
import { LineChart, numericKeys, stepOf } from '../chart';
import { runLink, setQuery, type Route } from '../route';
import { setChartPoints } from '../stats';
import type { PageFactory } from './page';

export const comparePage: PageFactory = (main, route: Route) => {
  const names = (route.query.get('runs') ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const picker = h('select', { name: 'key' });
  const holder = h('div', { class: 'charts wide' });
  const message = h('p', { class: 'muted' });
  append(main, h('section', {},
    h('h1', {}, 'Compare'),
    h('p', {}, ...names.flatMap((n, i) => [i > 0 ? ', ' : '', h('a', { href: runLink(n), 'data-run': n }, n)])),
    h('label', {}, 'Metric ', picker), message, holder));
  if (names.length < 2) {
    message.textContent = 'Select two or more runs on the Runs page (or give them in the URL: #/compare?runs=a,b).';
    return { dispose() {} };
  }
  let chart: LineChart | null = null;
  let runs: RunDetails[] = [];
  const draw = (key: string) => {
    chart?.dispose();
    clear(holder);
    const steps = [...new Set(runs.flatMap((r) => r.metrics.map(stepOf)))].sort((a, b) => a - b);
    const index = new Map(steps.map((s, i) => [s, i]));
    const series = runs.map((run) => {
      const values: (number | null)[] = new Array(steps.length).fill(null);
      run.metrics.forEach((line, i) => { if (typeof line[key] === 'number') values[index.get(stepOf(line, i))!] = line[key] as number; });
      return values;
    });
    chart = new LineChart(key, runs.map((r) => r.name), 320);
    holder.appendChild(chart.element);
    chart.setData(steps, series);
    setChartPoints(chart.points);
  };
  Promise.all(names.map((n) => api.run(n))).then((loaded) => {
    runs = loaded;
    const keys = [...new Set(runs.flatMap((r) => numericKeys(r.metrics)))];
    const common = keys.filter((k) => runs.every((r) => r.metrics.some((line) => typeof line[k] === 'number')));
    for (const key of keys) picker.appendChild(h('option', { value: key }, key));
    const wanted = route.query.get('key');
    const key = wanted && keys.includes(wanted) ? wanted : common[0] ?? keys[0];
    if (!key) { message.textContent = 'these runs have no metrics yet'; return; }
    picker.value = key;
    picker.onchange = () => {
      const query = new URLSearchParams(route.query);
      query.set('key', picker.value);
      setQuery(query);
      draw(picker.value);
    };
    draw(key);
  }).catch((error: Error) => { message.textContent = error.message; });
  return { dispose() { chart?.dispose(); } };
};
