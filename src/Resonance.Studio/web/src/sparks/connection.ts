// The page's socket to a shared spark lab (/ws/labs/sparks?lab=ID&settings): commands carry a `request` number that
// their replies carry back (`state` may overtake a command in flight), the lab's
// `state` pushes (another tab played, paused, edited), and binary frames handed on as they come (the page keeps the newest).
import type { Settings } from './editor';

export interface LabReply {
  state: 'playing' | 'paused' | 'stopped';
  step: number;
  revision: number;
  settings?: Settings;
  steps_per_s?: number;
  measures?: Record<string, number | null> | null;
  snapshots?: { id: string; bytes: number; step: number }[];
  snapshot?: { id: string; bytes: number; step: number };
  error?: string;
}

/** A command the lab refused: its one-line message and the key it is about (null when the command as a whole is). */
export class LabError extends Error {
  constructor(message: string, readonly field: string | null) {
    super(message);
  }
}

export interface LabEvents {
  /** The lab this page is on (made for it, or joined). */
  lab(id: string, joined: boolean): void;
  /** Another page changed the lab (its whole state). */
  state(reply: LabReply): void;
  frame(data: ArrayBuffer): void;
  /** A message that answers no command (a refused lab), or the socket closed. */
  problem(message: string, field: string | null): void;
}

export class LabConnection {
  private readonly socket: WebSocket;
  private readonly pending = new Map<number, { resolve: (reply: LabReply) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private readonly opened: Promise<void>;
  private closed = false;

  constructor(query: URLSearchParams, private readonly events: LabEvents) {
    const text = query.toString();
    this.socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/labs/sparks${text ? '?' + text : ''}`);
    this.socket.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new LabError('the lab socket could not be opened', null));
    });
    this.opened.catch(() => {});
    this.socket.onmessage = (event) => {
      if (typeof event.data !== 'string') {
        this.events.frame(event.data as ArrayBuffer);
        return;
      }
      const message = JSON.parse(event.data) as Record<string, unknown>;
      if (message.type === 'lab') this.events.lab(String(message.id), message.joined === true);
      else if (message.type === 'state') this.events.state(message as unknown as LabReply);
      else {
        const request = typeof message.request === 'number' ? message.request : null;
        const waiting = request === null ? undefined : this.pending.get(request);
        if (request !== null) this.pending.delete(request);
        if (message.type === 'error') {
          const error = new LabError(String(message.message), typeof message.field === 'string' ? message.field : null);
          if (waiting) waiting.reject(error);
          else this.events.problem(error.message, error.field);
        } else waiting?.resolve(message as unknown as LabReply);
      }
    };
    this.socket.onclose = () => {
      const wasOpen = !this.closed;
      this.closed = true;
      for (const waiting of this.pending.values()) waiting.reject(new LabError('the lab closed', null));
      this.pending.clear();
      if (wasOpen) this.events.problem('the connection to the lab closed; reload the page to join it again', null);
    };
  }

  /** Sends one command; resolves with its reply, rejects with a {@link LabError}. */
  async send(command: { type: string; [key: string]: unknown }): Promise<LabReply> {
    await this.opened;
    if (this.closed) throw new LabError('the lab closed; reload the page', null);
    const request = this.nextRequest++;
    return new Promise<LabReply>((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      this.socket.send(JSON.stringify({ ...command, request }));
    });
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}
