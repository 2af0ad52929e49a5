// The page's own counters for browser tests and for people: window.studioStats.
export interface StudioStats {
  /** Canvas frames drawn (charts and panels) since the page loaded. */
  framesDrawn: number;
  /** performance.now() of the last frame drawn, or null. */
  lastFrameTime: number | null;
  /** Points in the current page's charts (grows while a followed run logs metrics). */
  chartPoints: number;
  /** The route shown (#/runs, ...). */
  page: string;
  /** JS heap in use, where the browser tells (Chromium), else null. */
  readonly jsHeapBytes: number | null;
  /** Engine-to-canvas latency of live lab frames, ms: the last frame drawn, and the median and 95th percentile of the last 200. */
  latencyMs: { last: number | null; median: number | null; p95: number | null };
  /** The live lab page's own figures (null on other pages): frames received and drawn on its panels, the step shown. */
  lab: { id: string | null; state: string; step: number; framesReceived: number; panelFrames: number; framePlaying: boolean; stepsPerSecond: number } | null;
}

const stats: StudioStats = {
  framesDrawn: 0,
  lastFrameTime: null,
  chartPoints: 0,
  page: '',
  latencyMs: { last: null, median: null, p95: null },
  lab: null,
  get jsHeapBytes() {
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return memory ? memory.usedJSHeapSize : null;
  },
};

(window as unknown as { studioStats: StudioStats }).studioStats = stats;

export function frameDrawn(): void {
  stats.framesDrawn++;
  stats.lastFrameTime = performance.now();
}

export function setChartPoints(points: number): void {
  stats.chartPoints = points;
}

export function setPage(page: string): void {
  stats.page = page;
  stats.chartPoints = 0;
  stats.lab = null;
  latencies.length = 0;
  stats.latencyMs = { last: null, median: null, p95: null };
}

const latencies: number[] = [];

/** Records one frame's engine-to-canvas latency (ms) into studioStats.latencyMs (median and p95 of the last 200). */
export function frameLatency(ms: number): void {
  latencies.push(ms);
  if (latencies.length > 200) latencies.shift();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
  stats.latencyMs = { last: ms, median: at(0.5), p95: at(0.95) };
}

/** The live lab page's figures (see StudioStats.lab); the page updates the object in place. */
export function labStats(): NonNullable<StudioStats['lab']> {
  stats.lab ??= { id: null, state: 'connecting', step: 0, framesReceived: 0, panelFrames: 0, framePlaying: false, stepsPerSecond: 0 };
  return stats.lab;
}
