// Where the service's files are, whether it runs from its TypeScript sources (tests, development) or
// compiled into dist/ (npm start): found from the package's root, never from the running file's place.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The folder holding package.json: the checkout, or the installed package. */
export const packageRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Our templates, the service's own styles and scripts, and the database migrations. */
export const viewsDir = path.join(packageRoot, 'src/views');
export const webPublicDir = path.join(packageRoot, 'src/http/web/public');
export const migrationsFolder = path.join(packageRoot, 'migrations');

/** GOV.UK Frontend's built files (macros, styles, scripts, fonts), wherever npm put the package. */
export const govukDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')),
  'dist',
);
