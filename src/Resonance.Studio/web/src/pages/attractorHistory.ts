// What one retrieval has done so far, step by step, for the curves: the overlap with every memory and the energy of
// both nets. Frames are the newest only, so steps may be missing (the curves join across them); a frame at step 0, or
// from another cue or setting, starts a new history.
import type { RetrievalFrame } from './attractorLab';

export interface SideHistory {
  /** overlaps[μ][i]: overlap with memory μ at steps[i]. */
  overlaps: number[][];
  energy: (number | null)[];
}

export class RetrievalHistory {
  steps: number[] = [];
  sides: [SideHistory, SideHistory] = [empty(0), empty(0)];
  private key = '';

  /** Records a frame. */
  add(frame: RetrievalFrame): void {
    const key = `${frame.revision}/${frame.memories}/${frame.target}/${frame.cue.join(',')}`;
    if (frame.step === 0 || key !== this.key || this.sides[0].overlaps.length !== frame.memories) {
      this.key = key;
      this.steps = [];
      this.sides = [empty(frame.memories), empty(frame.memories)];
    }
    // A frame may repeat a step (a command's reply and the feed carry the same) or go back (reset): drop what follows.
    let keep = this.steps.length;
    while (keep > 0 && this.steps[keep - 1] >= frame.step) keep--;
    this.truncate(keep);
    this.steps.push(frame.step);
    frame.nets.forEach((net, index) => {
      const side = this.sides[index];
      net.overlaps.forEach((value, memory) => side.overlaps[memory].push(value));
      side.energy.push(net.energy);
    });
  }

  private truncate(length: number): void {
    if (length === this.steps.length) return;
    this.steps.length = length;
    for (const side of this.sides) {
      for (const series of side.overlaps) series.length = length;
      side.energy.length = length;
    }
  }
}

function empty(memories: number): SideHistory {
  return { overlaps: Array.from({ length: memories }, () => []), energy: [] };
}

/** The first load at which the success falls below `threshold` (and stays there at the next load, if any); null when it
 * never does. "Where retrieval breaks." */
export function breakLoad(loads: number[], success: number[], threshold = 0.5): number | null {
  for (let i = 0; i < loads.length; i++)
    if (success[i] < threshold && (i + 1 >= loads.length || success[i + 1] < threshold)) return loads[i];
  return null;
}
