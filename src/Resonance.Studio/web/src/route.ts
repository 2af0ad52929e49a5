// Hash routes: #/runs, #/runs/NAME (#/runs/SWEEP/runs/POINT for a sweep's point), #/compare?runs=a,b&key=loss, #/sparks, #/attractor. A page's settings live in the
// query part, so a shared link restores the view.
export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?', 2);
  return { path: path.split('/').filter((s) => s.length > 0).map(decodeURIComponent), query: new URLSearchParams(query) };
}

/** Writes the page's settings into the URL without reloading the page (replaces the history entry). */
export function setQuery(query: URLSearchParams): void {
  const hash = location.hash.replace(/^#/, '').split('?', 1)[0];
  const text = query.toString().replace(/%2C/g, ',');
  history.replaceState(null, '', `#${hash}${text ? '?' + text : ''}`);
}

/** The page of a run; a sweep's point (SWEEP/runs/POINT) keeps its slashes: #/runs/SWEEP/runs/POINT. */
export function runLink(name: string): string {
  return `#/runs/${name.split('/').map(encodeURIComponent).join('/')}`;
}
