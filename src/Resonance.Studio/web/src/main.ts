// The studio's one-page app: a hash router over the pages, the server push, and the page counters (window.studioStats).
import './style.css';
import { clear } from './dom';
import { live } from './live';
import { currentRoute } from './route';
import { setPage } from './stats';
import type { Page, PageFactory } from './pages/page';
import { runsPage } from './pages/runs';
import { runPage } from './pages/run';
import { comparePage } from './pages/compare';
import { attractorPage } from './pages/attractor';
import { sparksPage } from './pages/sparks';

const pages: Record<string, PageFactory> = {
  runs: runsPage,
  compare: comparePage,
  sparks: sparksPage,
  attractor: attractorPage,
};

const main = document.getElementById('main')!;
const connection = document.getElementById('connection')!;
let page: Page | null = null;

function show(): void {
  const route = currentRoute();
  if (route.path.length === 0) {
    location.replace('#/runs');
    return;
  }
  page?.dispose();
  clear(main);
  const section = route.path[0];
  const factory = section === 'runs' && route.path.length > 1 ? runPage : pages[section];
  setPage(section);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a'))
    link.classList.toggle('active', link.dataset.route === section);
  if (!factory) {
    main.textContent = `No page at #/${route.path.join('/')}; see Runs.`;
    page = null;
    return;
  }
  page = factory(main, route);
}

live.onState((state) => {
  connection.textContent = state;
  connection.className = `connection ${state}`;
});
live.connect();
window.addEventListener('hashchange', show);
show();
