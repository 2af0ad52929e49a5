// The spark lab's replies and the page's socket to it (the studio's one lab socket, ../labSocket).
import { LabError, LabSocket, type LabSocketEvents } from '../labSocket';
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

export { LabError };

/** The page's socket to its spark lab; frames are the binary spark frames (./frame). */
export class LabConnection extends LabSocket<LabReply> {
  constructor(query: URLSearchParams, events: LabSocketEvents<LabReply>) {
    super('sparks', query, events, 'the connection to the lab closed; reload the page to join it again');
  }
}
