// #/sparks: the live spark lab. Four panels drawn from the newest frame at each animation frame (older ones are dropped,
// never queued), play / pause / step / stop, a parameter editor open only while paused, the emergence measures as live
// charts, snapshots to restore. The lab is shared: its id goes into the URL with every setting (#/sparks?lab=ID&seed=3&...),
// so a reload or a second tab joins the same engine, and a link without the id starts a lab with those settings.
import '../sparks/sparks.css';
import { append, clear, h } from '../dom';
import { setQuery } from '../route';
import { frameDrawn, frameLatency, labStats, setChartPoints } from '../stats';
import { LabConnection, LabError, type LabReply } from '../sparks/connection';
import { SettingsEditor, type Settings } from '../sparks/editor';
import { decodeFrame, type SparkFrame } from '../sparks/frame';
import { MeasureCharts } from '../sparks/measures';
import { SparkPanels } from '../sparks/panels';
import type { PageFactory } from './page';

export const sparksPage: PageFactory = (main, route) => {
  const stats = labStats();
  let state: LabReply['state'] | 'connecting' = 'connecting';
  let labId: string | null = null;
  let settings: Settings | null = null;
  let latest: ArrayBuffer | null = null;
  let drawing = 0;
  let disposed = false;
  let rateStart = performance.now(), rateFrames = 0, framesPerSecond = 0;

  const panels = new SparkPanels();
  const charts = new MeasureCharts();
  const editor = new SettingsEditor((key, value) => void edit(key, value));
  const stepShown = h('strong', { 'data-step': '0' }, '0');
  const stateShown = h('span', { class: 'status', 'data-lab-state': 'connecting' }, 'connecting');
  const speedShown = h('span', { class: 'muted', 'data-speed': '' });
  const labShown = h('span', { class: 'muted', 'data-lab-id': '' });
  const message = h('div', { class: 'form-message lab-message', role: 'status' });
  const stepCount = h('input', { type: 'number', name: 'steps', min: 1, max: 10000, value: 1, title: 'steps taken by Step' });
  const buttons = {
    play: h('button', { type: 'button', 'data-action': 'play', onclick: () => void command({ type: 'play' }) }, 'Play'),
    pause: h('button', { type: 'button', 'data-action': 'pause', onclick: () => void command({ type: 'pause' }) }, 'Pause'),
    step: h('button', { type: 'button', 'data-action': 'step', onclick: () => void command({ type: 'step', steps: Number(stepCount.value) || 1 }) }, 'Step'),
    stop: h('button', { type: 'button', class: 'stop', 'data-action': 'stop', onclick: () => void command({ type: 'stop' }) }, 'Stop'),
    snapshot: h('button', { type: 'button', 'data-action': 'snapshot', onclick: () => void command({ type: 'snapshot' }) }, 'Snapshot'),
  };
  // A link, not a command: the server asks the lab (on its thread) for the state now as a .npz and sends it as a file.
  const download = h('a', { class: 'button download', 'data-action': 'download', download: '', 'aria-disabled': 'true', title: 'the state now as a NumPy .npz (weights, activations, memory field, layout positions, sparks, settings.json)' }, 'Download .npz');
  const fresh = h('button', { type: 'button', class: 'fresh-lab', hidden: true, onclick: () => { location.hash = freshLink(); } }, 'New lab with these settings');
  const snapshotList = h('ul', { class: 'snapshots' });

  append(main, h('section', { class: 'sparks-page' },
    h('h1', {}, 'Spark lab ', stateShown, ' ', labShown),
    h('div', { class: 'toolbar spark-toolbar' }, buttons.play, buttons.pause, buttons.step, stepCount, buttons.stop, ' step ', stepShown, ' ', speedShown, ' ', fresh),
    message,
    h('div', { class: 'spark-layout' },
      h('div', { class: 'spark-main' }, panels.element, h('h2', {}, 'Emergence measures'), charts.element),
      h('aside', { class: 'spark-side' }, h('h2', {}, 'Settings ', h('span', { class: 'muted' }, '(editable while paused)')), editor.element,
        h('h2', {}, 'Snapshots ', buttons.snapshot, ' ', download), snapshotList))));
  showState();

  const query = new URLSearchParams(route.query);
  const connection = new LabConnection(query, {
    lab(id) {
      labId = id;
      download.setAttribute('href', snapshotUrl(id));
      stats.id = id;
      labShown.textContent = id;
      labShown.dataset.labId = id;
      void command({ type: 'state' });
    },
    state: (reply) => apply(reply),
    frame(data) {
      latest = data;                                                     // the newest only: an undrawn older frame is dropped
      stats.framesReceived++;
      if (!drawing) drawing = requestAnimationFrame(draw);
    },
    problem(text, field) {
      if (!(field && editor.showError(field, text))) say(text, true);
      if (state !== 'stopped') {
        state = 'stopped';
        showState();
      }
    },
  });

  async function command(body: { type: string; [key: string]: unknown }): Promise<LabReply | null> {
    say('');
    editor.clearErrors();
    try {
      const reply = await connection.send(body);
      apply(reply);
      if (reply.snapshot) say(`kept ${reply.snapshot.id} at step ${reply.snapshot.step} (${(reply.snapshot.bytes / 1024).toFixed(0)} KiB)`);
      return reply;
    } catch (error) {
      if (error instanceof LabError && error.field && editor.showError(error.field, error.message)) return null;
      say(error instanceof Error ? error.message : String(error), true);
      return null;
    }
  }

  function edit(key: string, value: number | boolean | string): Promise<LabReply | null> {
    return command({ type: 'edit', settings: { [key]: value } });
  }

  function apply(reply: LabReply): void {
    state = reply.state;
    stats.state = state;
    if (reply.settings) {
      settings = reply.settings;
      editor.show(reply.settings);
      writeUrl();
    }
    if (reply.snapshots) showSnapshots(reply.snapshots);
    if (reply.error) say(`the lab reports a fault: ${reply.error}`, true);
    showStep(reply.step);
    showState();
  }

  function showState(): void {
    stateShown.textContent = state;
    stateShown.dataset.labState = state;
    stateShown.className = `status status-${state === 'playing' ? 'running' : state === 'stopped' ? 'interrupted' : 'completed'}`;
    const live = state === 'playing' || state === 'paused';
    buttons.play.disabled = state !== 'paused';
    buttons.pause.disabled = state !== 'playing';
    buttons.step.disabled = state !== 'paused';
    buttons.stop.disabled = !live;
    buttons.snapshot.disabled = !live;
    stepCount.disabled = state !== 'paused';
    editor.setEnabled(state === 'paused');
    for (const button of snapshotList.querySelectorAll('button')) button.disabled = state !== 'paused';
    download.setAttribute('aria-disabled', String(!live || !labId));
    fresh.hidden = state !== 'stopped';
  }

  function showStep(step: number): void {
    stats.step = step;
    stepShown.textContent = String(step);
    stepShown.dataset.step = String(step);
  }

  function showSnapshots(snapshots: NonNullable<LabReply['snapshots']>): void {
    clear(snapshotList);
    if (snapshots.length === 0) snapshotList.appendChild(h('li', { class: 'muted' }, 'none yet'));
    for (const snapshot of [...snapshots].reverse())
      snapshotList.appendChild(h('li', { 'data-snapshot': snapshot.id },
        `${snapshot.id}, step ${snapshot.step} `,
        h('button', { type: 'button', disabled: state !== 'paused', onclick: () => void command({ type: 'restore', id: snapshot.id }) }, 'Restore'),
        ' ',
        labId ? h('a', { href: snapshotUrl(labId, snapshot.id), download: '', class: 'download' }, '.npz') : ''));
  }

  function draw(): void {
    drawing = 0;
    if (disposed || !latest) return;
    const data = latest;
    latest = null;
    let frame: SparkFrame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), true);
      return;
    }
    panels.draw(frame);
    if (charts.add(frame)) setChartPoints(charts.points);
    showStep(frame.step);
    const now = performance.now();
    frameDrawn();
    stats.panelFrames++;
    stats.framePlaying = frame.playing;
    stats.stepsPerSecond = frame.stepsPerSecond;
    frameLatency(performance.timeOrigin + now - frame.wallClockMs);
    rateFrames++;
    if (now - rateStart >= 1000) {
      framesPerSecond = (1000 * rateFrames) / (now - rateStart);
      rateStart = now;
      rateFrames = 0;
    }
    speedShown.textContent = frame.playing
      ? `${frame.stepsPerSecond.toFixed(0)} steps/s, ${framesPerSecond.toFixed(0)} frames/s drawn, latency ${(performance.timeOrigin + now - frame.wallClockMs).toFixed(0)} ms`
      : '';
  }

  function writeUrl(): void {
    if (!settings || disposed) return;
    const query = new URLSearchParams();
    if (labId) query.set('lab', labId);
    for (const [key, value] of Object.entries(settings)) query.set(key, String(value));
    setQuery(query);
  }

  function snapshotUrl(id: string, snapshot?: string): string {
    return `/api/labs/${encodeURIComponent(id)}/snapshot.npz${snapshot ? `?snapshot=${encodeURIComponent(snapshot)}` : ''}`;
  }

  function freshLink(): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(settings ?? {})) query.set(key, String(value));
    return `#/sparks?${query.toString()}`;
  }

  function say(text: string, error = false): void {
    message.textContent = text;
    message.className = `form-message lab-message${error ? ' error' : ''}`;
  }

  return {
    dispose() {
      disposed = true;
      if (drawing) cancelAnimationFrame(drawing);
      connection.close();
      charts.dispose();
    },
  };
};
