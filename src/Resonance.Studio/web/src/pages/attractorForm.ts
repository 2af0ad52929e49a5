// The attractor lab's setting fields: one input or select per key (placed wherever the page wants it), each with its
// error beside it; the corruption level is a slider whose range follows the corruption kind.
import { h } from '../dom';
import { fields, parseValue, type SettingField, type Settings, type SettingValue } from './attractorSettings';

type Control = HTMLInputElement | HTMLSelectElement;

export class SettingsForm {
  private readonly controls = new Map<string, Control>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly labels = new Map<string, HTMLElement>();
  private readonly levelText = h('output', { class: 'level-value' });

  /** @param changed called with the key of a field the user changed (on `change`); `level` also calls `sliding` while it moves */
  constructor(changed: (key: string) => void, sliding: () => void) {
    for (const setting of fields) {
      const control = setting.kind === 'choice' ? this.select(setting) : this.input(setting);
      control.addEventListener('change', () => changed(setting.key));
      this.controls.set(setting.key, control);
      const error = h('span', { class: 'field-error error', 'data-error-for': setting.key, role: 'status' });
      this.errors.set(setting.key, error);
      const parts: (Node | string)[] = [h('span', { class: 'field-name' }, setting.label), control];
      if (setting.key === 'level') parts.push(this.levelText);
      this.labels.set(setting.key, h('label', { class: 'field', title: setting.title, 'data-field': setting.key }, ...parts, error));
    }
    const level = this.controls.get('level') as HTMLInputElement;
    level.addEventListener('input', () => {
      this.levelText.textContent = level.value;
      sliding();
    });
    this.controls.get('corruption')!.addEventListener('change', () => this.fitLevelRange());
  }

  /** The labelled field of a key (control and its error), to place in the page. */
  field(key: string): HTMLElement {
    return this.labels.get(key)!;
  }

  /** What the fields hold now, typed as the engine takes them. */
  values(): Settings {
    const settings: Settings = {};
    for (const setting of fields) settings[setting.key] = parseValue(setting, this.controls.get(setting.key)!.value);
    return settings;
  }

  value(key: string): SettingValue {
    return this.values()[key];
  }

  /** Puts values into the fields (the URL's, or the engine's after a configure). */
  set(settings: Settings): void {
    for (const [key, value] of Object.entries(settings)) {
      const control = this.controls.get(key);
      if (!control) continue;
      if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === String(value)))
        control.append(h('option', { value: String(value) }, String(value)));
      if (key === 'corruption') {
        control.value = String(value);
        this.fitLevelRange();
      } else control.value = String(value);
    }
    this.levelText.textContent = (this.controls.get('level') as HTMLInputElement).value;
  }

  /** Shows the engine's message beside `key`'s field (or clears every message with null). */
  showError(key: string | null, message = ''): void {
    for (const [name, element] of this.errors) {
      const mine = name === key;
      element.textContent = mine ? message : '';
      this.labels.get(name)!.classList.toggle('invalid', mine);
    }
  }

  /** Replaces a select's choices (the rules the lab offers), keeping its value. */
  setChoices(key: string, choices: string[]): void {
    const control = this.controls.get(key);
    if (!(control instanceof HTMLSelectElement) || choices.length === 0) return;
    const value = control.value;
    control.replaceChildren(...choices.map((choice) => h('option', { value: choice }, choice)));
    if (!choices.includes(value)) control.append(h('option', { value }, value));
    control.value = value;
  }

  has(key: string): boolean {
    return this.controls.has(key);
  }

  disable(keys: string[], disabled: boolean): void {
    for (const key of keys) this.controls.get(key)!.disabled = disabled;
  }

  private select(setting: SettingField): HTMLSelectElement {
    return h('select', { name: setting.key }, ...setting.choices!.map((choice) => h('option', { value: choice }, choice)));
  }

  private input(setting: SettingField): HTMLInputElement {
    if (setting.key === 'level') return h('input', { name: 'level', type: 'range', min: 0, max: 1, step: setting.step ?? 0.01 });
    return h('input', { name: setting.key, type: 'text', inputmode: setting.kind === 'whole' ? 'numeric' : 'decimal', size: 6, autocomplete: 'off' });
  }

  /** The slider spans [0, 1] for flips (a fraction) and [0, 5] for noise (σ). */
  private fitLevelRange(): void {
    const level = this.controls.get('level') as HTMLInputElement;
    const noise = this.controls.get('corruption')!.value === 'noise';
    const value = level.value;
    level.max = noise ? '5' : '1';
    level.step = noise ? '0.05' : '0.01';
    level.value = value;
    this.levelText.textContent = level.value;
  }
}
