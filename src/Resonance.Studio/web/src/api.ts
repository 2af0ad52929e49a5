// The studio's HTTP API. Every error reply is {"error": "one line"}; it becomes the Error's message.
export interface Headline { key: string; value: unknown; text: string }

export interface RunEntry {
  name: string;
  kind: string | null;
  status: string | null;
  startedAt: string;
  problem: string | null;
  headline: Headline[];
  live: boolean;
  /** A sweep's point counts (points, completed, failed, and while it runs every state's count). */
  progress?: Record<string, number> | null;
}

export type MetricsLine = Record<string, unknown>;

export interface RunDetails extends RunEntry {
  config: string | null;
  summary: Record<string, unknown> | null;
  metrics: MetricsLine[];
  plots: string[];
  launch: { pid: number | null; exitCode: number | null; stopRequested: boolean; output: string[] } | null;
  sweep?: SweepDetails;
}

/** Mean over a setting's completed seeds and the half-width of its 95% interval (null where it does not exist). */
export interface MeanInterval { mean: number | null; ci95: number | null; n: number }

export interface SweepSetting {
  values: Record<string, string>;
  seeds: number;
  seedsCompleted: number;
  figures: Record<string, MeanInterval>;
}

export interface SweepPoint {
  name: string;
  /** The point's run name (SWEEP/runs/POINT). */
  run: string;
  state: string;
  seed: number;
  setting: number;
  values: Record<string, string>;
  figures: Record<string, number | null>;
}

/** The sweep of a sweep run's details: swept keys, compared figures, the settings table and every point. */
export interface SweepDetails {
  error?: string;
  keys: string[];
  figures: string[];
  counts: Record<string, number>;
  settings: SweepSetting[];
  best: number | null;
  points: SweepPoint[];
}

export interface Experiment { name: string; kind: string; source: string }

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(typeof data.error === 'string' ? data.error : `${response.status} ${response.statusText}`);
  return data as T;
}

export const api = {
  runs: () => request<{ root: string; runs: RunEntry[] }>('GET', '/api/runs'),
  run: (name: string) => request<RunDetails>('GET', `/api/runs/${name.split('/').map(encodeURIComponent).join('/')}`),
  experiments: () => request<{ experiments: Experiment[] }>('GET', '/api/experiments'),
  start: (experiment: string, set: string[]) => request<{ name: string }>('POST', '/api/runs', { experiment, set }),
  stop: (name: string) => request<{ name: string }>('POST', `/api/runs/${encodeURIComponent(name)}/stop`),
};

/** The URL of a file inside the runs folder (a path relative to it, such as NAME/plots/x.png). */
export function fileUrl(relative: string): string {
  return '/files/' + relative.split('/').map(encodeURIComponent).join('/');
}
