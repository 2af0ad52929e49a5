import type { Route } from '../route';

/** A page: mounted into the main element for a route, disposed when the route changes. */
export interface Page {
  dispose(): void;
}

export type PageFactory = (main: HTMLElement, route: Route) => Page;
