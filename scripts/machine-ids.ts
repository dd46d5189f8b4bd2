// Lint: no module in src/ writes a machine id as a string. Code that needs a particular machine takes
// its id from the definition (`payment.id`) or is handed the registry, so a cycle is known in one place
// (machines/) and renaming or adding one never means hunting for strings. `npm run lint` runs this.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineDefinitions } from '../machines/index.ts';

export interface WrittenId {
  file: string;
  line: number;
  id: string;
}

/** Each place in `text` where one of `ids` is a whole string literal ('x', "x" or `x`). */
export function machineIdsWritten(file: string, text: string, ids: readonly string[]): WrittenId[] {
  const found: WrittenId[] = [];
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    for (const id of ids) {
      const literal = new RegExp(`(['"\`])${id.replace(/[-]/g, '\\-')}\\1`);
      if (literal.test(content)) found.push({ file, line: index + 1, id });
    }
  });
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|njk)$/.test(entry.name) ? [full] : [];
  });
}

/** Every machine id written as a string anywhere under `root`'s src/. */
export function lintMachineIds(root: string): WrittenId[] {
  const ids = [...new Set(machineDefinitions.map((d) => d.id))];
  return sourceFiles(path.join(root, 'src')).flatMap((file) =>
    machineIdsWritten(path.relative(root, file), fs.readFileSync(file, 'utf8'), ids),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const found = lintMachineIds(root);
  for (const f of found)
    console.error(
      `${f.file}:${f.line}: the machine id '${f.id}' is written as a string; use its definition's id`,
    );
  if (found.length) process.exit(1);
  console.log('machine ids: none written as strings in src/');
}
