// The attractor lab's frames (binary messages holding UTF-8 JSON: retrieval, training, sweep) and replies, and the page's
// socket to it (the studio's one lab socket, ../labSocket).
import { LabError, LabSocket } from '../labSocket';
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

export { LabError };

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

/** The page's socket to its attractor lab: the studio's one lab socket (../labSocket), with the frames (UTF-8 JSON) parsed. */
export class AttractorLabConnection extends LabSocket<LabReply> {
  /** @param query `lab=ID` to join, and the settings a new lab is made with (the rest come by `configure`) */
  constructor(query: URLSearchParams, events: LabEvents) {
    const decoder = new TextDecoder();
    super('attractor', query, {
      lab: (id, joined) => events.lab(id, joined),
      state: (reply) => events.state(reply),
      frame: (data) => events.frame(JSON.parse(decoder.decode(data)) as LabFrame),
      problem: (message) => events.problem(message),
    }, 'the lab closed; reload the page for a new one');
  }
}
