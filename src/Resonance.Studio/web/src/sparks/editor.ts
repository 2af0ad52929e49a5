// The parameter editor: every setting key of the lab, grouped by section (sparks, layout, measures, frame), editable only
// while the lab is paused. A changed field is sent at once as an edit; the engine's message for a bad value appears beside
// that field.
import { append, clear, h } from '../dom';

export type Settings = Record<string, number | boolean | string>;

const sections: [string, string][] = [
  ['', 'General'], ['sparks', 'Sparks'], ['layout', 'Force layout'], ['measures', 'Emergence measures'], ['frame', 'Streaming'],
];

export class SettingsEditor {
  readonly element: HTMLElement;
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly errors = new Map<string, HTMLElement>();
  private enabled = false;

  /** @param onChange called with one key and its new value (a number, a boolean, or the text when it is not a number). */
  constructor(private readonly onChange: (key: string, value: number | boolean | string) => void) {
    this.element = h('form', { class: 'spark-editor', onsubmit: (event: Event) => event.preventDefault() });
  }

  /** Shows the lab's settings; builds the fields the first time (or when the keys change). */
  show(settings: Settings): void {
    const keys = Object.keys(settings);
    if (keys.length !== this.inputs.size || keys.some((k) => !this.inputs.has(k))) this.build(keys, settings);
    for (const [key, value] of Object.entries(settings)) {
      const input = this.inputs.get(key)!;
      if (input.type === 'checkbox') input.checked = value === true;
      else input.value = String(value);
    }
  }

  /** Fields are editable only while the lab is paused. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    for (const input of this.inputs.values()) input.disabled = !enabled;
    this.element.classList.toggle('locked', !enabled);
  }

  /** Shows a message beside its field; false when the field is not one of the editor's. */
  showError(field: string, message: string): boolean {
    const slot = this.errors.get(field);
    if (!slot) return false;
    slot.textContent = message;
    this.inputs.get(field)!.setAttribute('aria-invalid', 'true');
    return true;
  }

  clearErrors(): void {
    for (const [key, slot] of this.errors) {
      slot.textContent = '';
      this.inputs.get(key)!.removeAttribute('aria-invalid');
    }
  }

  private build(keys: string[], settings: Settings): void {
    clear(this.element);
    this.inputs.clear();
    this.errors.clear();
    for (const [prefix, title] of sections) {
      const mine = keys.filter((k) => (prefix === '' ? !k.includes('.') : k.startsWith(prefix + '.')));
      if (mine.length === 0) continue;
      const group = h('fieldset', { 'data-section': prefix || 'general' }, h('legend', {}, title));
      for (const key of mine) {
        const value = settings[key];
        const input = h('input', {
          name: key, 'data-key': key,
          type: typeof value === 'boolean' ? 'checkbox' : typeof value === 'number' ? 'number' : 'text',
          step: typeof value === 'number' ? 'any' : undefined,
          onchange: () => this.changed(key, input),
        });
        input.disabled = !this.enabled;
        const error = h('span', { class: 'field-error error', 'data-error-for': key, role: 'status' });
        this.inputs.set(key, input);
        this.errors.set(key, error);
        append(group, h('label', { title: key }, h('span', { class: 'key' }, prefix ? key.slice(prefix.length + 1) : key), input, error));
      }
      this.element.appendChild(group);
    }
  }

  private changed(key: string, input: HTMLInputElement): void {
    if (input.type === 'checkbox') return this.onChange(key, input.checked);
    const text = input.value.trim();
    const number = Number(text);
    if (input.type === 'number') this.onChange(key, text.length > 0 && Number.isFinite(number) ? number : (input.validity.badInput ? 'not a number' : text));
    else this.onChange(key, text);
  }
}
