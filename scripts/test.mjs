#!/usr/bin/env node
// `npm test`: the vitest projects as two processes side by side: unit and integration in one, e2e
// and the longest integration files (integration-long) in the other, so the two take about as long.
// Each project has a database of its own, so they may run at once; within each process, files run
// one at a time (a project's files share its database). Arguments go to both (a file
// path runs where it belongs; the other finds nothing and passes). Ends with one plain line,
// "tests: N passed, N failed, N skipped", the two processes' lines added up.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const vitest = path.join(
  path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
const args = process.argv.slice(2);
const SUMMARY = /^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/m;

function run(label, projects) {
  const child = spawn(
    process.execPath,
    [vitest, 'run', ...projects.flatMap((p) => ['--project', p]), '--passWithNoTests', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let partial = '';
  const write = (stream) => (chunk) => {
    output += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (!SUMMARY.test(line)) stream.write(`[${label}] ${line}\n`);
  };
  child.stdout.on('data', write(process.stdout));
  child.stderr.on('data', write(process.stderr));
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      if (partial && !SUMMARY.test(partial)) process.stdout.write(`[${label}] ${partial}\n`);
      resolve({ label, code: code ?? (signal ? 1 : 0), summary: SUMMARY.exec(output) });
    }),
  );
}

const runs = await Promise.all([
  run('unit+integration', ['unit', 'integration']),
  run('e2e+long', ['e2e', 'integration-long']),
]);
const total = [0, 0, 0];
for (const { label, summary } of runs) {
  if (!summary) console.error(`[${label}] ended without its summary line`);
  else for (const i of [0, 1, 2]) total[i] += Number(summary[i + 1]);
}
process.stdout.write(`\ntests: ${total[0]} passed, ${total[1]} failed, ${total[2]} skipped\n`);
process.exit(runs.some((r) => r.code !== 0 || !r.summary) ? 1 : 0);
