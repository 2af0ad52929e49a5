// The stamp of the committed bundle: a SHA-256 over the front end's sources, written into ../wwwroot/bundle.stamp by
// build.mjs. A test (BundleStampTests) computes the same over the checked-out sources and fails when they differ, i.e.
// when someone changed web/ and did not commit a rebuilt bundle.
//
//   node stamp.mjs --if-stale   the MSBuild target's entry: does nothing (but touch the stamp) when the bundle matches
//                               its sources; otherwise npm ci (when node_modules is missing) and npm run build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = dirname(fileURLToPath(import.meta.url));
export const outDir = join(webDir, '..', 'wwwroot');
export const stampPath = join(outDir, 'bundle.stamp');

/** The files the bundle is made from: these few at the top, and everything under src/. */
export function sourceFiles() {
  const top = ['package.json', 'package-lock.json', 'tsconfig.json', 'build.mjs', 'stamp.mjs', 'index.html', 'favicon.svg'];
  const files = top.filter((name) => existsSync(join(webDir, name))).map((name) => join(webDir, name));
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path); else files.push(path);
    }
  };
  walk(join(webDir, 'src'));
  return files.map((path) => relative(webDir, path).split(sep).join('/')).sort();
}

/** SHA-256 over "path NUL sha256(content) LF" for every source file in ordinal order, as hex. */
export function sourcesHash() {
  const all = createHash('sha256');
  for (const path of sourceFiles()) {
    const content = createHash('sha256').update(readFileSync(join(webDir, path))).digest('hex');
    all.update(`${path}\0${content}\n`);
  }
  return all.digest('hex');
}

if (process.argv.includes('--if-stale')) {
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
  if (stamp === sourcesHash()) {
    const now = new Date();
    utimesSync(stampPath, now, now); // newer than its sources from now on, so MSBuild skips this target
  } else {
    const run = (command) => execSync(command, { cwd: webDir, stdio: 'inherit' });
    if (!existsSync(join(webDir, 'node_modules'))) run('npm ci --no-audit --no-fund');
    run('npm run build');
  }
}
