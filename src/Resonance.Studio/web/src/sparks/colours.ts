// Colour ramps as 256-entry lookup tables of packed RGBA (little-endian, as ImageData's Uint32 view reads them).
type Stop = [number, number, number];

function ramp(stops: Stop[]): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    const [r, g, b] = stops[k].map((c, j) => Math.round(c + (stops[k + 1][j] - c) * f));
    table[i] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  return table;
}

/** Dark blue to yellow (viridis-like): activations and weights. */
export const viridis = ramp([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]]);

/** Black through red to pale yellow (inferno-like): the memory field. */
export const inferno = ramp([[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]]);

/** The CSS colour of a table entry. */
export function css(table: Uint32Array, index: number): string {
  const v = table[Math.max(0, Math.min(255, Math.round(index)))];
  return `rgb(${v & 255},${(v >>> 8) & 255},${(v >>> 16) & 255})`;
}
