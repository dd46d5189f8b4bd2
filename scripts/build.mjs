#!/usr/bin/env node
// Compiles the service into dist/ (tsc, tsconfig.build.json) and writes its entry points there:
// dist/server.js, dist/worker.js and dist/cli.js. With --if-stale it does nothing when dist/ is newer
// than every source, so `npm start` builds on a fresh machine and starts at once after that.
// Plain JavaScript, so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');
const ENTRIES = ['server', 'worker', 'cli'];

/** The newest modification time among the files the build reads. */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  visit(path.join(root, 'src'));
  visit(path.join(root, 'machines'));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package.json'])
    newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && existsSync(stamp) && ENTRIES.every((e) => existsSync(path.join(dist, `${e}.js`)))) {
  if (statSync(stamp).mtimeMs >= newestSource()) process.exit(0);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error(
    'dist/ is missing or older than the sources, and TypeScript is not installed to build it. ' +
      'Run `npm install` (with its development dependencies) and then `npm run build`.',
  );
  process.exit(1);
}
console.error('building the service into dist/ …');
const started = Date.now();
const built = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (built.status !== 0) {
  console.error('The build failed: see the errors above. Nothing was started.');
  process.exit(built.status ?? 1);
}
mkdirSync(dist, { recursive: true });
for (const entry of ENTRIES)
  writeFileSync(
    path.join(dist, `${entry}.js`),
    `// Written by scripts/build.mjs.\nimport './src/${entry}.js';\n`,
  );
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.error(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
