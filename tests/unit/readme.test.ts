// Keeps the README true: every machine's diagram there is the one the engine generates.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { machineDefinitions } from '../../machines/index.ts';
import { mermaid } from '../../src/engine/describe.ts';

const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(machineDefinitions.map((d) => [d.id, d] as const))(
    'shows the current diagram of %s',
    (id, definition) => {
      expect(readme).toContain(`(\`${id}\`, version ${definition.version})`);
      expect(readme).toContain(mermaid(definition));
    },
  );

  it('documents every configuration variable that src/config.ts reads', () => {
    const config = fs.readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');
    const variables = [...config.matchAll(/^\s+([A-Z_]+): z\./gm)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(5);
    for (const variable of variables) expect(readme).toMatch(new RegExp(`\\|\\s*\`${variable}\`\\s*\\|`));
  });
});
