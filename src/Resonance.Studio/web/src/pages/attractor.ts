// #/attractor: the attractor lab. Pick a stored memory (or draw one), corrupt the cue with a slider, and watch retrieval
// unfold step by step in two nets side by side (a learned net and a classical rule by default): state, overlap with every
// memory, energy. P, N and the rules are editable; a load sweep shows where retrieval breaks. Every setting is in the URL:
// #/attractor?neurons=100&memories=8&left=learned-dense&right=hebbian&corruption=flips&level=0.2 restores the view. The lab is
// shared (docs/studio.md, "Shared labs"): its id goes into the URL as lab=ID, so a reload or a second tab joins it rather than
// opening another; a lab that has ended is made again from the URL's settings.
import './attractor.css';
import { append, h } from '../dom';
import { setQuery } from '../route';
import { setChartPoints } from '../stats';
import type { PageFactory } from './page';
import { SettingsForm } from './attractorForm';
import { decodeDrawn, encodeDrawn } from './attractorDrawn';
import { drawGrid, GridEditor } from './attractorGrid';
import { RetrievalHistory } from './attractorHistory';
import { AttractorLabConnection, LabError, type LabFrame, type LabReply, type RetrievalFrame } from './attractorLab';
import { NetPanel } from './attractorNet';
import { fields, pageKeysFromQuery, queryFromSettings, settingsFromQuery, type Settings } from './attractorSettings';
import { SweepPanel } from './attractorSweep';

const netKeys = ['neurons', 'memories', 'seed', 'left_rule', 'right_rule', 'update', 'gain', 'modern_beta', 'epochs'];
const retrievalKeys = ['steps', 'speed', 'trials'];

export const attractorPage: PageFactory = (main, route) => {
  const page = new AttractorPage(main, route.query);
  return { dispose: () => page.dispose() };
};

class AttractorPage {
  private readonly status = h('span', { class: 'lab-status', 'data-lab-state': 'connecting' }, 'connecting to the lab...');
  private readonly message = h('p', { class: 'lab-message error', role: 'status' });
  private readonly form: SettingsForm;
  private readonly thumbnails = h('div', { class: 'thumbnails', 'data-thumbnails': '' });
  private readonly targetCanvas = h('canvas', { class: 'grid', 'data-grid': 'target' });
  private readonly cueCanvas = h('canvas', { class: 'grid', 'data-grid': 'cue' });
  private readonly cueText = h('p', { class: 'muted cue-text' });
  private readonly editor = new GridEditor(200, () => this.writeUrl());
  private readonly drawnNote = h('p', { class: 'form-message error', 'data-drawn-note': '', hidden: true });
  private readonly runButton = h('button', { type: 'button', 'data-action': 'run' }, 'Run');
  private readonly stepButton = h('button', { type: 'button', 'data-action': 'step' }, 'Step');
  private readonly resetButton = h('button', { type: 'button', 'data-action': 'reset' }, 'Reset');
  private readonly cancelButton = h('button', { type: 'button', 'data-action': 'cancel', hidden: true, title: 'stop the training or the sweep after its current epoch or rule' }, 'Cancel');
  private readonly labShown = h('span', { class: 'muted', 'data-lab-id': '' });
  private readonly nets = [new NetPanel('left'), new NetPanel('right')] as const;
  private readonly sweep: SweepPanel;
  private readonly history = new RetrievalHistory();
  private readonly lab: AttractorLabConnection;
  private applied: Settings;
  private patterns: number[][] = [];
  private target: number | null = null;
  private pickedInUrl: number | null;
  private latest: RetrievalFrame | null = null;
  private drawPending = false;
  private busy = 0;
  private cancellable = 0;
  private labId: string | null = null;
  private runUntil: number | null = null;
  private cueInFlight = false;
  private cueAgain = false;
  private cueSent = '';
  private disposed = false;

  constructor(main: HTMLElement, query: URLSearchParams) {
    this.form = new SettingsForm((key) => this.changed(key), () => this.sendCorruption());
    this.sweep = new SweepPanel(() => this.runSweep());
    const wanted = settingsFromQuery(query);
    const pageKeys = pageKeysFromQuery(query);
    this.pickedInUrl = pageKeys.memory;
    if (pageKeys.pMax !== null) this.sweep.pMax.value = String(pageKeys.pMax);
    this.applied = Object.fromEntries(fields.map((f) => [f.key, f.fallback]));
    this.form.set(wanted);
    this.runButton.addEventListener('click', () => this.command({ type: 'run' }));
    this.stepButton.addEventListener('click', () => this.command({ type: 'step' }));
    this.resetButton.addEventListener('click', () => this.command({ type: 'reset' }));
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.sweep.pMax.addEventListener('change', () => this.writeUrl());
    append(main, h('section', { class: 'attractor-lab' },
      h('h1', {}, 'Attractor lab ', this.status, ' ', this.labShown),
      this.message,
      h('div', { class: 'lab-settings' },
        h('fieldset', {}, h('legend', {}, 'Memories and nets'), ...netKeys.map((k) => this.form.field(k))),
        h('fieldset', {}, h('legend', {}, 'Retrieval'), ...retrievalKeys.map((k) => this.form.field(k)))),
      this.cuePanel(),
      h('div', { class: 'toolbar run-controls' }, this.runButton, ' ', this.stepButton, ' ', this.resetButton, ' ', this.cancelButton,
        h('span', { class: 'muted' }, '  both nets start from the same cue; one update per step')),
      h('div', { class: 'nets' }, this.nets[0].element, this.nets[1].element),
      this.sweep.element));
    this.loadDrawing(query.get('drawn'));
    // A new lab starts with two cheap rules; the settings wanted (and their training) come with the first configure.
    const labQuery = new URLSearchParams({ left_rule: 'hebbian', right_rule: 'hebbian' });
    const id = query.get('lab');
    if (id) labQuery.set('lab', id);
    this.lab = new AttractorLabConnection(labQuery, {
      lab: (labId, joined) => {
        this.labId = labId;
        this.labShown.textContent = labId;
        this.labShown.dataset.labId = labId;
        void (joined ? this.join() : this.start(wanted));
      },
      state: (reply) => this.configured(reply),
      frame: (frame) => this.frame(frame),
      problem: (problem) => this.problem(problem),
    });
  }

  /** The drawing the URL keeps (`drawn=SIDE.BITS`), or a blank 8 x 8 grid; a malformed value is noted and ignored. */
  private loadDrawing(text: string | null): void {
    const drawn = text === null ? null : decodeDrawn(text);
    if (drawn && 'values' in drawn) this.editor.load(drawn.side, drawn.values);
    else {
      this.editor.load(8);
      if (drawn) this.noteDrawing(`${drawn.problem}; the drawing in the link was ignored`);
    }
  }

  private noteDrawing(text: string): void {
    this.drawnNote.textContent = text;
    this.drawnNote.hidden = false;
  }

  /** Joined a lab that lives (a reload, a second tab): the lab's own settings and cue win over the URL's. */
  private async join(): Promise<void> {
    this.setBusy(+1, 'joining the lab...');
    try {
      this.configured(await this.lab.send({ type: 'state' }));
    } catch (error) {
      this.refused(error);
    } finally {
      this.setBusy(-1);
    }
  }

  /** Asks the lab to stop the training or sweep in flight; that command then ends with the lab's message. */
  private cancel(): void {
    this.cancelButton.disabled = true;
    this.lab.send({ type: 'cancel' }).catch((error) => this.refused(error));
  }

  private setCancellable(change: number): void {
    this.cancellable += change;
    this.cancelButton.hidden = this.cancellable === 0;
    this.cancelButton.disabled = false;
  }

  dispose(): void {
    this.disposed = true;
    this.lab.close();
    for (const net of this.nets) net.dispose();
    this.sweep.dispose();
  }

  private cuePanel(): HTMLElement {
    const useDrawing = h('button', { type: 'button', 'data-action': 'draw' }, 'Retrieve from the drawing');
    useDrawing.addEventListener('click', () => this.command({ type: 'draw', pattern: this.editor.pattern }));
    const copy = h('button', { type: 'button' }, 'Copy the target');
    copy.addEventListener('click', () => { if (this.latest) this.editor.load(this.latest.side, this.latest.pattern); });
    const invert = h('button', { type: 'button' }, 'Invert');
    invert.addEventListener('click', () => this.editor.invert());
    return h('section', { class: 'cue-panel' },
      h('div', { class: 'cue-column' }, h('h2', {}, 'Stored memories'), h('p', { class: 'muted' }, 'Pick one to cue it.'), this.thumbnails),
      h('div', { class: 'cue-column' }, h('h2', {}, 'Or draw one'), this.editor.canvas,
        h('div', { class: 'toolbar' }, useDrawing, ' ', copy, ' ', invert), h('p', { class: 'muted' }, 'Click or drag to toggle cells; the link keeps the drawing.'),
        this.drawnNote),
      h('div', { class: 'cue-column' }, h('h2', {}, 'Cue'),
        this.form.field('corruption'), this.form.field('level'),
        h('div', { class: 'cue-grids' },
          h('figure', {}, this.targetCanvas, h('figcaption', {}, 'target')),
          h('figure', {}, this.cueCanvas, h('figcaption', {}, 'corrupted cue'))),
        this.cueText));
  }

  /** The first configure: the URL's settings; a key the engine refuses is shown beside its field and left at its default. */
  private async start(wanted: Settings): Promise<void> {
    const settings = { ...wanted };
    for (let attempt = 0; attempt <= fields.length; attempt++) {
      const reply = await this.configure(settings, attempt === 0);
      if (reply || this.disposed) break;
      const bad = this.lastErrorField;
      if (!bad) break;
      const fallback = fields.find((f) => f.key === bad)?.fallback;
      if (fallback === undefined || settings[bad] === fallback) break;
      settings[bad] = fallback;
      this.form.showError(bad, this.lastErrorMessage);
    }
    if (this.pickedInUrl !== null && this.pickedInUrl < this.patterns.length) await this.command({ type: 'pick', memory: this.pickedInUrl });
  }

  private lastErrorField: string | null = null;
  private lastErrorMessage = '';

  /** Applies settings; returns the reply, or null when the engine refused them (its message is beside the field). */
  private async configure(settings: Settings, clearErrors = true): Promise<LabReply | null> {
    if (clearErrors) this.form.showError(null);
    this.lastErrorField = null;
    this.setBusy(+1, 'building the nets...');
    this.setCancellable(+1);
    try {
      const reply = await this.lab.send({ type: 'configure', settings });
      this.configured(reply);
      return reply;
    } catch (error) {
      this.refused(error);
      if (error instanceof LabError && error.field === null) this.form.set(this.applied);   // (cancelled: the lab kept what it had)
      this.nets[0].finishTraining(this.applied.left_rule === 'learned-dense');
      this.nets[1].finishTraining(this.applied.right_rule === 'learned-dense');
      return null;
    } finally {
      this.setCancellable(-1);
      this.setBusy(-1);
    }
  }

  private configured(reply: LabReply): void {
    if (reply.rules) for (const key of ['left_rule', 'right_rule']) this.form.setChoices(key, reply.rules);
    if (reply.settings) {
      this.applied = reply.settings;
      this.form.set(reply.settings);
    }
    if (reply.patterns) this.showPatterns(reply.patterns);
    this.nets[0].finishTraining(this.applied.left_rule === 'learned-dense');
    this.nets[1].finishTraining(this.applied.right_rule === 'learned-dense');
    if (reply.frame) this.frame(reply.frame);
    if (reply.sweep) this.sweep.show(reply.sweep);
    this.sweep.setMemories(Number(this.applied.memories));
    if (this.latest && this.editor.pattern.length !== this.latest.neurons) {
      const side = this.editor.gridSide;
      if (encodeDrawn(side, this.editor.pattern) !== null)
        this.noteDrawing(`the drawing (${side} x ${side}) does not fit N = ${this.latest.neurons} (${this.latest.side} x ${this.latest.side}); it was cleared`);
      this.editor.load(this.latest.side);
    }
    this.writeUrl();
  }

  /** A field changed: corruption and level make a new cue; the rest are a configure of every field. */
  private changed(key: string): void {
    if (key === 'corruption' || key === 'level') {
      this.sendCorruption();
      return;
    }
    void this.configure(this.form.values());
  }

  /** Sends the corruption the fields hold; while one is in flight, only the newest is sent after it. */
  private sendCorruption(): void {
    if (this.cueInFlight) {
      this.cueAgain = true;
      return;
    }
    const values = this.form.values();
    const wanted = `${values.corruption} ${values.level}`;
    if (wanted === this.cueSent) return;                                          // (the slider's change after its last input)
    this.cueSent = wanted;
    this.cueInFlight = true;
    this.lab.send({ type: 'corrupt', kind: values.corruption, level: values.level })
      .then((reply) => {
        this.applied = { ...this.applied, corruption: values.corruption, level: values.level };
        this.form.showError(null);
        if (reply.frame) this.frame(reply.frame);
        this.writeUrl();
      })
      .catch((error) => {
        this.cueSent = '';
        this.refused(error);
      })
      .finally(() => {
        this.cueInFlight = false;
        if (this.cueAgain) {
          this.cueAgain = false;
          this.sendCorruption();
        }
      });
  }

  private async command(command: { type: string; [key: string]: unknown }): Promise<void> {
    const runs = command.type === 'run';
    this.setBusy(+1, runs ? 'running...' : undefined);
    try {
      if (command.type === 'pick') this.pickedInUrl = command.memory as number;
      if (command.type === 'draw') this.pickedInUrl = null;
      if (runs && this.latest) this.runUntil = this.latest.step + Number(this.applied.steps);
      const reply = await this.lab.send(command);
      this.message.textContent = '';
      if (reply.frame) this.frame(reply.frame);
      if (reply.state === 'ready') this.runUntil = null;
      if (command.type === 'pick' || command.type === 'draw') this.writeUrl();
    } catch (error) {
      this.refused(error);
    } finally {
      this.setBusy(-1);
    }
  }

  private async runSweep(): Promise<void> {
    const text = this.sweep.pMax.value.trim();
    const command: { type: string; p_max?: number | string } = { type: 'sweep_load' };
    if (text) command.p_max = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    this.sweep.pMaxError.textContent = '';
    this.setBusy(+1, 'sweeping the load...');
    this.setCancellable(+1);
    try {
      const reply = await this.lab.send(command);
      if (reply.cancelled) this.message.textContent = 'the sweep was cancelled';
      if (reply.sweep) this.sweep.show(reply.sweep);
      this.countPoints();
      this.nets[0].finishTraining(this.applied.left_rule === 'learned-dense');
      this.nets[1].finishTraining(this.applied.right_rule === 'learned-dense');
      this.writeUrl();
    } catch (error) {
      if (error instanceof LabError && (error.field === 'p_max' || error.field === 'p_values')) this.sweep.pMaxError.textContent = error.message;
      else this.refused(error);
    } finally {
      this.setCancellable(-1);
      this.setBusy(-1);
    }
  }

  /** A refused command: the message beside its field when the page has one, else above the lab. */
  private refused(error: unknown): void {
    const lab = error instanceof LabError ? error : new LabError(String(error), null);
    const key = lab.field === 'kind' ? 'corruption' : lab.field;
    this.lastErrorField = key;
    this.lastErrorMessage = lab.message;
    if (key && this.form.has(key)) this.form.showError(key, lab.message);
    else this.message.textContent = lab.message;
  }

  private problem(message: string): void {
    if (this.disposed) return;
    this.message.textContent = message;
    this.status.textContent = 'closed';
    this.status.dataset.labState = 'closed';
  }

  private setBusy(change: number, text?: string): void {
    this.busy += change;
    if (text && change > 0) {
      this.status.textContent = text;
      this.status.dataset.labState = 'busy';
    }
    this.updateStatus();
  }

  private updateStatus(): void {
    if (this.status.dataset.labState === 'closed') return;
    const running = this.runUntil !== null;
    for (const button of [this.runButton, this.stepButton, this.resetButton, this.sweep.button]) button.disabled = this.busy > 0 && !running;
    this.runButton.disabled ||= running;
    if (this.busy > 0 && !running) return;
    const state = running ? 'running' : 'ready';
    this.status.dataset.labState = state;
    this.status.textContent = running ? `running to step ${this.runUntil}` : 'ready';
  }

  private frame(frame: LabFrame): void {
    if (this.disposed) return;
    if (frame.type === 'training') this.nets[frame.side === 'left' ? 0 : 1].showTraining(frame);
    else if (frame.type === 'sweep') {
      this.sweep.show(frame);
      this.countPoints();
    } else {
      this.history.add(frame);
      this.latest = frame;
      this.target = frame.target;
      if (this.runUntil !== null && frame.step >= this.runUntil) this.runUntil = null;
      this.updateStatus();
      this.schedule();
    }
  }

  /** Draws the newest retrieval frame at the next animation frame (frames in between are never drawn). */
  private schedule(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      if (this.disposed || !this.latest) return;
      const frame = this.latest;
      drawGrid(this.targetCanvas, frame.pattern, frame.side, 120);
      drawGrid(this.cueCanvas, frame.cue, frame.side, 120);
      const flipped = frame.corruption === 'flips' ? `${Math.round(frame.level * frame.neurons)} of ${frame.neurons} entries flipped` : `Gaussian noise σ = ${frame.level}`;
      this.cueText.textContent = `${frame.target === null ? 'the drawn pattern' : `memory ${frame.target}`}, ${flipped}`;
      const lastStep = Math.max(this.runUntil ?? 0, Number(this.applied.steps) || 1);
      frame.nets.forEach((net, index) => this.nets[index].show(net, frame.side, frame.target, frame.step, this.history.sides[index], this.history.steps, lastStep));
      this.markThumbnail();
      this.countPoints();
    });
  }

  private countPoints(): void {
    setChartPoints(this.nets[0].points + this.nets[1].points + this.sweep.points);
  }

  private showPatterns(patterns: number[][]): void {
    this.patterns = patterns;
    this.thumbnails.textContent = '';
    const side = Math.round(Math.sqrt(patterns[0]?.length ?? 1));
    const pixels = patterns.length > 24 ? 40 : Math.max(56, Math.min(96, side * 6));
    patterns.forEach((pattern, index) => {
      const canvas = h('canvas', { class: 'grid' });
      drawGrid(canvas, pattern, side, pixels);
      const button = h('button', { type: 'button', class: 'thumbnail', 'data-memory': index, title: `memory ${index}` }, canvas, h('span', {}, String(index)));
      button.addEventListener('click', () => this.command({ type: 'pick', memory: index }));
      this.thumbnails.append(button);
    });
    this.markThumbnail();
  }

  private markThumbnail(): void {
    for (const button of this.thumbnails.querySelectorAll<HTMLElement>('[data-memory]'))
      button.classList.toggle('picked', Number(button.dataset.memory) === this.target);
  }

  private writeUrl(): void {
    if (this.disposed) return;
    const pMax = this.sweep.pMax.value.trim();
    setQuery(queryFromSettings(this.applied, {
      memory: this.target, p_max: /^\d+$/.test(pMax) ? pMax : null, drawn: encodeDrawn(this.editor.gridSide, this.editor.pattern), lab: this.labId,
    }));
  }
}
