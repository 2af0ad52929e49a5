// A page's socket to a shared lab (/ws/labs/KIND?lab=ID&settings), for every lab page: commands go out as JSON text with a
// `request` number that their replies carry back (a `state` or `cancel` is answered beside the command in flight, so replies
// may overtake each other); the first message names the lab, other pages' changes come as `state` pushes, and frames as
// binary messages, handed on as they come (the page keeps the newest).

/** A command the lab refused: its one-line message and the key it is about (null when the command as a whole is). */
export class LabError extends Error {
  constructor(message: string, readonly field: string | null) {
    super(message);
  }
}

export interface LabSocketEvents<Reply> {
  /** The lab this page is on: made for it, or joined (`lab=ID` in the URL, a reload or a second tab). */
  lab(id: string, joined: boolean): void;
  /** Another page changed the lab (its whole state). */
  state(reply: Reply): void;
  /** A frame, in the lab's own format. */
  frame(data: ArrayBuffer): void;
  /** A message that answers no command (a refused lab), or the socket closed. */
  problem(message: string, field: string | null): void;
}

interface Pending<Reply> {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

export class LabSocket<Reply> {
  private readonly socket: WebSocket;
  private readonly pending = new Map<number, Pending<Reply>>();
  private readonly opened: Promise<void>;
  private nextRequest = 1;
  private newestSerial = -1;
  private newestPush: Reply | null = null;
  private closed = false;

  /** @param kind the lab's kind (`sparks`, `attractor`); @param query `lab=ID` to join, and the settings a new lab is made
   * with; @param closedText what the page is told when the socket closes under it */
  constructor(kind: string, query: URLSearchParams, private readonly events: LabSocketEvents<Reply>, private readonly closedText: string) {
    const text = query.toString();
    this.socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/labs/${kind}${text ? '?' + text : ''}`);
    this.socket.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new LabError('the lab socket could not be opened', null));
    });
    this.opened.catch(() => {}); // (reported by send and onclose)
    this.socket.onmessage = (event) => this.received(event.data as string | ArrayBuffer);
    this.socket.onclose = () => {
      const wasOpen = !this.closed;
      this.closed = true;
      for (const waiting of this.pending.values()) waiting.reject(new LabError('the lab closed', null));
      this.pending.clear();
      if (wasOpen) this.events.problem(this.closedText, null);
    };
  }

  /** Sends one command; resolves with its reply, rejects with a {@link LabError}. */
  async send(command: { type: string; [key: string]: unknown }): Promise<Reply> {
    await this.opened;
    if (this.closed) throw new LabError(this.closedText, null);
    const request = this.nextRequest++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      this.socket.send(JSON.stringify({ ...command, request }));
    });
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private received(data: string | ArrayBuffer): void {
    if (typeof data !== 'string') {
      this.events.frame(data);
      return;
    }
    const message = JSON.parse(data) as Record<string, unknown>;
    if (message.type === 'lab') {
      this.events.lab(String(message.id), message.joined === true);
      return;
    }
    const serial = typeof message.serial === 'number' ? message.serial : null;
    if (message.type === 'state') {
      // Pushes and replies carry the lab's serial (the order in which the lab did things): an older state than one already
      // shown is dropped, so two pages changing the lab at once cannot leave this one showing the earlier change.
      if (serial !== null && serial < this.newestSerial) return;
      if (serial !== null) this.newestSerial = serial;
      this.newestPush = message as unknown as Reply;
      this.events.state(this.newestPush);
      return;
    }
    const request = typeof message.request === 'number' ? message.request : null;
    const waiting = request === null ? undefined : this.pending.get(request);
    if (request !== null) this.pending.delete(request);
    if (message.type === 'error') {
      const error = new LabError(String(message.message), typeof message.field === 'string' ? message.field : null);
      if (waiting) waiting.reject(error);
      else this.events.problem(error.message, error.field);
      return;
    }
    waiting?.resolve(message as unknown as Reply);
    if (serial === null) return;
    if (serial >= this.newestSerial) this.newestSerial = serial;
    else if (this.newestPush) {
      // This reply is older than a push already shown (another page's change came first): once the page has applied the
      // reply (after its awaits, hence a task and not a microtask), show the newer state again.
      const newer = this.newestPush;
      setTimeout(() => {
        if (this.newestPush === newer) this.events.state(newer);
      }, 0);
    }
  }
}
