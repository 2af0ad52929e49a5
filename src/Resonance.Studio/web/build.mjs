// Builds the studio's front end into ../wwwroot: app.js and app.css (esbuild, minified, no source map, no timestamps,
// so the same sources always give the same bytes), index.html and favicon.svg copied, and bundle.stamp.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outDir, sourcesHash, stampPath, webDir } from './stamp.mjs';

mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [join(webDir, 'src', 'main.ts')],
  outfile: join(outDir, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022'],
  legalComments: 'eof',
  sourcemap: false,
  charset: 'utf8',
  logLevel: 'warning',
});
for (const file of ['index.html', 'favicon.svg']) copyFileSync(join(webDir, file), join(outDir, file));
writeFileSync(stampPath, sourcesHash() + '\n');
console.log(`studio front end built into ${outDir}`);
