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
}

const stats: StudioStats = {
  framesDrawn: 0,
  lastFrameTime: null,
  chartPoints: 0,
  page: '',
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
}
