// #/sparks and #/attractor: the live labs. For now the page only opens the lab's
// socket (/ws/labs/KIND) and shows what the server says; the panels come next.
import { append, h } from '../dom';
import type { PageFactory } from './page';

export function labPage(kind: 'sparks' | 'attractor', title: string): PageFactory {
  return (main) => {
    const state = h('p', { class: 'muted', 'data-lab-state': 'connecting' }, 'connecting to the lab...');
    append(main, h('section', {}, h('h1', {}, title), state));
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/labs/${kind}${location.hash.includes('?') ? '?' + location.hash.split('?', 2)[1] : ''}`);
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const message = JSON.parse(event.data) as { type?: string; message?: string };
      state.textContent = message.message ?? event.data;
      state.setAttribute('data-lab-state', message.type ?? 'reply');
    };
    return { dispose() { socket.close(); } };
  };
}
