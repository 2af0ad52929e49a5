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
}

export type MetricsLine = Record<string, unknown>;

export interface RunDetails extends RunEntry {
  config: string | null;
  summary: Record<string, unknown> | null;
  metrics: MetricsLine[];
  plots: string[];
  launch: { pid: number | null; exitCode: number | null; stopRequested: boolean; output: string[] } | null;
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
  run: (name: string) => request<RunDetails>('GET', `/api/runs/${encodeURIComponent(name)}`),
  experiments: () => request<{ experiments: Experiment[] }>('GET', '/api/experiments'),
  start: (experiment: string, set: string[]) => request<{ name: string }>('POST', '/api/runs', { experiment, set }),
  stop: (name: string) => request<{ name: string }>('POST', `/api/runs/${encodeURIComponent(name)}/stop`),
};

/** The URL of a file inside the runs folder (a path relative to it, such as NAME/plots/x.png). */
export function fileUrl(relative: string): string {
  return '/files/' + relative.split('/').map(encodeURIComponent).join('/');
}
