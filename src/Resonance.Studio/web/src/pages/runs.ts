// #/runs: every run under the runs folder, newest first, live; select runs to compare; start a run.
import { api, type Experiment, type RunEntry } from '../api';
import { age, append, clear, h } from '../dom';
import { live } from '../live';
import { runLink } from '../route';
import type { PageFactory } from './page';

export const runsPage: PageFactory = (main) => {
  const selected = new Set<string>();
  const body = h('tbody');
  const compare = h('button', { type: 'button', disabled: true, onclick: () => { location.hash = `#/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`; } }, 'Compare selected');
  const count = h('span', { class: 'muted' });
  const table = h('table', { class: 'runs' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'run'), h('th', {}, 'kind'), h('th', {}, 'status'), h('th', { class: 'number' }, 'age'), h('th', {}, 'figures'))),
    body);
  append(main, h('section', {}, h('h1', {}, 'Runs ', count), startForm(), h('div', { class: 'toolbar' }, compare), table));

  const render = (runs: RunEntry[]) => {
    count.textContent = `(${runs.length})`;
    clear(body);
    if (runs.length === 0) body.appendChild(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No runs yet: start one above, or with resonance run.')));
    for (const run of runs) {
      const box = h('input', { type: 'checkbox', 'data-run': run.name, onchange: () => {
        if (box.checked) selected.add(run.name); else selected.delete(run.name);
        compare.disabled = selected.size < 2;
      } });
      box.checked = selected.has(run.name);
      body.appendChild(h('tr', { 'data-run': run.name },
        h('td', {}, box),
        h('td', {}, h('a', { href: runLink(run.name) }, run.name)),
        h('td', {}, run.kind ?? '?'),
        h('td', {}, statusBadge(run)),
        h('td', { class: 'number' }, age(run.startedAt)),
        h('td', { class: run.problem ? 'problem' : 'figures' }, run.problem ?? figures(run))));
    }
  };
  const unsubscribe = live.subscribeRuns(render);
  return { dispose: unsubscribe };
};

/** The headline figures; a sweep that is still going shows its points done instead of its summary's stale counts. */
function figures(run: RunEntry): string {
  const text = run.headline.map((f) => `${f.key.replace(/_/g, ' ')} ${f.text}`).join('   ');
  const progress = run.progress;
  if (!progress || run.status !== 'running') return text;
  return `points ${progress.completed ?? 0}/${progress.points ?? 0} done` + (progress.running ? `, ${progress.running} running` : '');
}

export function statusBadge(run: { status: string | null; live?: boolean }): HTMLElement {
  const status = run.status ?? '?';
  return h('span', { class: `status status-${status.replace(/[^a-z]/g, '')}`, 'data-status': status }, status + (run.live ? ' •' : ''));
}

function startForm(): HTMLElement {
  const picker = h('select', { name: 'experiment' });
  const pairs = h('textarea', { name: 'set', rows: 2, placeholder: 'key=value, one per line (as --set), e.g. run.steps=2000' });
  const message = h('div', { class: 'form-message', role: 'status' });
  const button = h('button', { type: 'submit' }, 'Start run');
  const form = h('form', { class: 'start', onsubmit: async (event: Event) => {
    event.preventDefault();
    message.textContent = '';
    message.className = 'form-message';
    button.disabled = true;
    try {
      const set = pairs.value.split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
      const started = await api.start(picker.value, set);
      location.hash = runLink(started.name);
    } catch (error) {
      message.textContent = (error as Error).message;
      message.className = 'form-message error';
    } finally {
      button.disabled = false;
    }
  } }, h('label', {}, 'Experiment ', picker), h('label', {}, 'Overrides ', pairs), button, message);
  api.experiments().then(({ experiments }) => {
    for (const e of experiments as Experiment[]) picker.appendChild(h('option', { value: e.name }, `${e.name} (${e.kind}${e.source === 'built-in' ? '' : ', ' + e.source})`));
  }).catch((error: Error) => { message.textContent = error.message; });
  return h('details', { class: 'start-run' }, h('summary', {}, 'Start a run'), form);
}
