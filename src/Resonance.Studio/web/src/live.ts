// The server push (/ws/runs): the run list whenever it changes, and the metrics lines of followed runs as they are
// appended. One socket for the whole app; it reconnects after a drop and follows again what pages asked for.
import type { MetricsLine, RunEntry } from './api';

type RunsListener = (runs: RunEntry[]) => void;
type MetricsListener = (start: number, lines: MetricsLine[]) => void;

class LiveSocket {
  private socket: WebSocket | null = null;
  private runs: RunEntry[] | null = null;
  private readonly runsListeners = new Set<RunsListener>();
  private readonly followers = new Map<string, Set<MetricsListener>>();
  private retry = 500;
  private stateListener: (state: string) => void = () => {};

  onState(listener: (state: string) => void): void {
    this.stateListener = listener;
  }

  connect(): void {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/runs`);
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 500;
      this.stateListener('live');
      for (const name of this.followers.keys()) this.send({ follow: name });
    };
    socket.onmessage = (event) => this.receive(JSON.parse(event.data as string));
    socket.onclose = () => {
      this.stateListener('reconnecting');
      this.socket = null;
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 5000);
    };
  }

  /** Calls back with the run list now (when known) and at every change; returns the unsubscribe function. */
  subscribeRuns(listener: RunsListener): () => void {
    this.runsListeners.add(listener);
    if (this.runs) listener(this.runs);
    return () => this.runsListeners.delete(listener);
  }

  /** Follows a run's metrics: all lines so far (start 0), then each batch appended; returns the unfollow function. */
  follow(name: string, listener: MetricsListener): () => void {
    let listeners = this.followers.get(name);
    if (!listeners) {
      listeners = new Set();
      this.followers.set(name, listeners);
    }
    listeners.add(listener);
    this.send({ follow: name }); // (again, when another page follows it too: it restarts from line 0 for everyone)
    return () => {
      listeners!.delete(listener);
      if (listeners!.size === 0) {
        this.followers.delete(name);
        this.send({ unfollow: name });
      }
    };
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private receive(message: { type: string; [key: string]: unknown }): void {
    if (message.type === 'runs') {
      this.runs = message.runs as RunEntry[];
      for (const listener of this.runsListeners) listener(this.runs);
    } else if (message.type === 'metrics') {
      for (const listener of this.followers.get(message.run as string) ?? [])
        listener(message.start as number, message.lines as MetricsLine[]);
    } else if (message.type === 'error') {
      console.warn(`studio: ${message.message}`);
    }
  }
}

export const live = new LiveSocket();
