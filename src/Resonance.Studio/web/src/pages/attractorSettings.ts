// The attractor lab's settings as the page keeps them: the engine's flat keys (docs/studio.md, "Attractor lab protocol"),
// the URL keys they travel under (#/attractor?neurons=100&memories=8&left=hebbian&...), and the form fields that edit them.
// The ranges are the engine's: the page sends what the user typed and shows the engine's message beside the field.

export type SettingValue = number | string;
export type Settings = Record<string, SettingValue>;

export interface SettingField {
  /** The engine's key (`left_rule`). */
  key: string;
  /** The key in the page's URL (`left`). */
  url: string;
  label: string;
  /** `whole` and `number` are inputs, `choice` a select of `choices`. */
  kind: 'whole' | 'number' | 'choice';
  choices?: string[];
  /** The engine's default, used when the URL leaves the key out. */
  fallback: SettingValue;
  /** Input attributes (a hint only; the engine decides). */
  step?: number;
  title: string;
}

export const rules = ['learned-dense', 'hebbian', 'storkey', 'pseudo-inverse', 'projection', 'dreaming', 'dense', 'modern'];

/** Every setting of the lab, in the order the form shows them. */
export const fields: SettingField[] = [
  { key: 'neurons', url: 'neurons', label: 'N neurons', kind: 'whole', fallback: 64, step: 1, title: 'a square, drawn as a side x side grid: 16, 25, ..., 256' },
  { key: 'memories', url: 'memories', label: 'P memories', kind: 'whole', fallback: 5, step: 1, title: 'random ±1 patterns stored in both nets, 1..N' },
  { key: 'seed', url: 'seed', label: 'seed', kind: 'whole', fallback: 4, step: 1, title: 'seed of the memories, the learned net, the cues and the asynchronous orders' },
  { key: 'left_rule', url: 'left', label: 'left net', kind: 'choice', choices: rules, fallback: 'learned-dense', title: 'the memory on the left' },
  { key: 'right_rule', url: 'right', label: 'right net', kind: 'choice', choices: rules, fallback: 'hebbian', title: 'the memory on the right' },
  { key: 'update', url: 'update', label: 'update', kind: 'choice', choices: ['sign', 'async-sign', 'tanh'], fallback: 'sign', title: 'dynamics of the weight-matrix rules' },
  { key: 'gain', url: 'gain', label: 'tanh gain', kind: 'number', fallback: 4, step: 0.5, title: 'gain of the tanh update, in (0, 100]' },
  { key: 'modern_beta', url: 'modern_beta', label: 'modern β', kind: 'number', fallback: 1, step: 0.5, title: 'inverse temperature of the modern update, in (0, 100]' },
  { key: 'epochs', url: 'epochs', label: 'epochs', kind: 'whole', fallback: 300, step: 50, title: 'training epochs of learned-dense, 1..5000' },
  { key: 'corruption', url: 'corruption', label: 'corruption', kind: 'choice', choices: ['flips', 'noise'], fallback: 'flips', title: 'flips: exactly round(level N) entries flipped; noise: Gaussian of σ = level' },
  { key: 'level', url: 'level', label: 'level', kind: 'number', fallback: 0.1, step: 0.01, title: 'fraction flipped in [0, 1], or σ of the noise in [0, 5]' },
  { key: 'steps', url: 'steps', label: 'steps', kind: 'whole', fallback: 20, step: 1, title: 'steps of a run and of every cue in a load sweep, 1..200' },
  { key: 'speed', url: 'speed', label: 'steps/s', kind: 'number', fallback: 10, step: 1, title: 'steps per second at which a run unfolds; 0 = all at once' },
  { key: 'trials', url: 'trials', label: 'sweep trials', kind: 'whole', fallback: 4, step: 1, title: 'corrupted cues per memory in a load sweep, 1..32' },
];

export function field(key: string): SettingField {
  const found = fields.find((f) => f.key === key);
  if (!found) throw new Error(`no setting ${key}`);
  return found;
}

/** A typed value from text: a number where the setting is numeric and the text reads as one, else the text as is
 * (the engine then names the key and says what it expected). */
export function parseValue(setting: SettingField, text: string): SettingValue {
  const trimmed = text.trim();
  if (setting.kind === 'choice') return trimmed;
  const number = Number(trimmed);
  return trimmed.length > 0 && Number.isFinite(number) ? number : trimmed;
}

/** The settings a URL asks for: every key, the URL's value where it has one and the default elsewhere. */
export function settingsFromQuery(query: URLSearchParams): Settings {
  const settings: Settings = {};
  for (const setting of fields) {
    const text = query.get(setting.url);
    settings[setting.key] = text === null ? setting.fallback : parseValue(setting, text);
  }
  return settings;
}

/** The URL query for the settings (every key, in form order) and the page's own keys (`memory`, `p_max`). */
export function queryFromSettings(settings: Settings, extra: Record<string, string | number | null> = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const setting of fields) query.set(setting.url, String(settings[setting.key] ?? setting.fallback));
  for (const [key, value] of Object.entries(extra)) if (value !== null) query.set(key, String(value));
  return query;
}

/** The page's keys in the URL besides the settings: the memory cued (index) and the sweep's largest load. */
export function pageKeysFromQuery(query: URLSearchParams): { memory: number | null; pMax: number | null } {
  const whole = (key: string) => {
    const text = query.get(key);
    if (text === null || !/^\d+$/.test(text.trim())) return null;
    return Number(text);
  };
  return { memory: whole('memory'), pMax: whole('p_max') };
}
