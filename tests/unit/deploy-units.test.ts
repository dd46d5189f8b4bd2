// The plain-Linux service files run the compiled service as `npm start` and `npm run worker` do,
// with the same V8 settings, so production keeps the memory the benchmark measured.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startArguments } from '../helpers/processes.ts';

const execStart = (unit: string) => {
  const text = fs.readFileSync(new URL(`../../deploy/${unit}`, import.meta.url), 'utf8');
  const line = /^ExecStart=(\S+) (.*)$/m.exec(text);
  if (!line) throw new Error(`${unit} has no ExecStart line`);
  return { node: line[1], args: line[2]!.trim().split(/\s+/) };
};

describe('deploy/ service files', () => {
  it('start the app with what npm start runs', () => {
    const { node, args } = execStart('opcc-commissioning.service');
    expect(node).toMatch(/\/node$/);
    expect(args).toEqual(startArguments('start'));
  });

  it('start the worker with what npm run worker runs', () => {
    const { node, args } = execStart('opcc-commissioning-worker.service');
    expect(node).toMatch(/\/node$/);
    expect(args).toEqual(startArguments('worker'));
  });

  it('keep the young generation small and collect the old one as it doubles', () => {
    expect(startArguments('start')).toEqual(
      expect.arrayContaining(['--max-semi-space-size=4', '--heap-growing-percent=100']),
    );
  });
});
