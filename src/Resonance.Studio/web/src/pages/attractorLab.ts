// The page's connection to a shared attractor lab (/ws/labs/attractor?lab=ID): commands go out as JSON text with a
// `request` number that their replies carry back (a `cancel` is answered beside the configure or sweep it stops); the
// first message names the lab, other pages' changes come as `state` pushes, and frames as binary messages holding UTF-8 JSON
// (retrieval, training, sweep), the newest only.
import type { Settings } from './attractorSettings';

/** One net of a retrieval frame. */
export interface NetFrame {
  side: 'left' | 'right';
  rule: string;
  /** N values, row by row. */
  state: number[];
  /** P values: m^μ · h / N with every stored memory. */
  overlaps: number[];
  target_overlap: number;
  /** Null where the net has no energy (learned-dense, modern). */
  energy: number | null;
}

export interface RetrievalFrame {
  type: 'retrieval';
  step: number;
  neurons: number;
  side: number;
  memories: number;
  target: number | null;
  corruption: string;
  level: number;
  pattern: number[];
  cue: number[];
  nets: [NetFrame, NetFrame];
  revision: number;
  time_ms: number;
}

export interface TrainingFrame {
  type: 'training';
  side: 'left' | 'right';
  rule: string;
  epoch: number;
  epochs: number;
  loss: number | null;
  load_memories?: number | null;
  time_ms: number;
}

export interface SweepSide {
  rule: string;
  success: number[];
  overlap: number[];
}

export interface SweepFrame {
  type: 'sweep';
  loads: number[];
  neurons: number;
  corruption: string;
  level: number;
  steps: number;
  trials: number;
  retrieved_overlap: number;
  done: number;
  total: number;
  left?: SweepSide;
  right?: SweepSide;
}

export type LabFrame = RetrievalFrame | TrainingFrame | SweepFrame;

export interface LabReply {
  state: 'ready' | 'running';
  step: number;
  revision: number;
  frame?: RetrievalFrame;
  settings?: Settings;
  patterns?: number[][];
  rules?: string[];
  energy?: { left: boolean; right: boolean };
  sweep?: SweepFrame | null;
  cancelled?: boolean;
}

/** A command the lab refused: its one-line message and the key it is about (null when the command as a whole is). */
export class LabError extends Error {
  constructor(message: string, readonly field: string | null) {
    super(message);
  }
}

interface Pending {
  resolve: (reply: LabReply) => void;
  reject: (error: Error) => void;
}

export interface LabEvents {
  /** The lab this page is on: made for it, or joined (`lab=ID` in the URL, a reload or a second tab). */
  lab(id: string, joined: boolean): void;
  /** Another page changed the lab (its whole state). */
  state(reply: LabReply): void;
  /** Every frame received, newest only. */
  frame(frame: LabFrame): void;
  /** A message that answers no command (a refused lab, a closed socket). */
  problem(message: string): void;
}

export class AttractorLabConnection {
  private readonly socket: WebSocket;
  private readonly pending = new Map<number, Pending>();
  private readonly opened: Promise<void>;
  private nextRequest = 1;
  private closed = false;

  /** @param query `lab=ID` to join, and the settings a new lab is made with (the rest come by `configure`) */
  constructor(query: URLSearchParams, private readonly events: LabEvents) {
    const text = query.toString();
    this.socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/labs/attractor${text ? '?' + text : ''}`);
    this.socket.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new LabError('the lab socket could not be opened', null));
    });
    this.opened.catch(() => {}); // (reported by send and onclose)
    const decoder = new TextDecoder();
    this.socket.onmessage = (event) => {
      if (typeof event.data !== 'string') {
        this.events.frame(JSON.parse(decoder.decode(event.data as ArrayBuffer)) as LabFrame);
        return;
      }
      const message = JSON.parse(event.data) as Record<string, unknown>;
      const type = message.type;
      if (type === 'lab') {
        this.events.lab(String(message.id), message.joined === true);
        return;
      }
      if (type === 'state') {
        this.events.state(message as unknown as LabReply);
        return;
      }
      const request = typeof message.request === 'number' ? message.request : null;
      const waiting = request === null ? undefined : this.pending.get(request);
      if (request !== null) this.pending.delete(request);
      if (type === 'error') {
        const error = new LabError(String(message.message), typeof message.field === 'string' ? message.field : null);
        if (waiting) waiting.reject(error);
        else this.events.problem(error.message);
      } else waiting?.resolve(message as unknown as LabReply);
    };
    this.socket.onclose = () => {
      const wasOpen = !this.closed;
      this.closed = true;
      for (const waiting of this.pending.values()) waiting.reject(new LabError('the lab closed', null));
      this.pending.clear();
      if (wasOpen) this.events.problem('the lab closed; reload the page for a new one');
    };
  }

  /** Sends one command; resolves with its reply, rejects with a {@link LabError}. */
  async send(command: { type: string; [key: string]: unknown }): Promise<LabReply> {
    await this.opened;
    if (this.closed) throw new LabError('the lab closed; reload the page for a new one', null);
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
