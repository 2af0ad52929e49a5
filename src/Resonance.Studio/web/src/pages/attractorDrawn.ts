// The drawn pattern in the URL: `drawn=SIDE.BITS`, BITS the side x side cells row by row packed eight to a byte (first cell
// in the high bit, 1 = +1, a dark cell), in base64url without padding; e.g. an 8 x 8 grid is `drawn=8.` and 11 characters.
// A malformed value is reported (the page shows the note) and ignored, never thrown.

/** The sides the lab draws: N a square in [16, 256]. */
const minSide = 4;
const maxSide = 16;

/** The URL value for a drawing, or null for a blank one (every cell -1: nothing drawn, nothing to keep). */
export function encodeDrawn(side: number, values: ArrayLike<number>): string | null {
  const bytes = new Uint8Array(Math.ceil((side * side) / 8));
  let any = false;
  for (let i = 0; i < side * side; i++)
    if (values[i] > 0) {
      bytes[i >> 3] |= 0x80 >> (i & 7);
      any = true;
    }
  if (!any) return null;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `${side}.${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export type Drawn = { side: number; values: number[] } | { problem: string };

/** Reads a `drawn` value: the side and the ±1 cells, or what is wrong with it. */
export function decodeDrawn(text: string): Drawn {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  const match = /^(\d{1,2})\.([A-Za-z0-9_-]*)$/.exec(text);
  if (!match) return { problem: `drawn=${shown}: expected SIDE.BITS (the grid's side, a dot, its cells in base64url)` };
  const side = Number(match[1]);
  if (side < minSide || side > maxSide) return { problem: `drawn=${shown}: the side must be ${minSide} to ${maxSide}, got ${side}` };
  const cells = side * side;
  const expected = Math.ceil(cells / 8);
  const characters = Math.ceil((expected * 4) / 3);
  if (match[2].length !== characters)
    return { problem: `drawn=${shown}: a ${side} x ${side} grid takes ${characters} characters after the dot, got ${match[2].length}` };
  let binary: string;
  try {
    binary = atob(match[2].replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (match[2].length % 4)) % 4));
  } catch {
    return { problem: `drawn=${shown}: not base64url` };
  }
  if (binary.length !== expected) return { problem: `drawn=${shown}: not base64url` };
  const values = Array.from({ length: cells }, (_, i) => (binary.charCodeAt(i >> 3) & (0x80 >> (i & 7)) ? 1 : -1));
  return { side, values };
}
