// The outcome measures each cycle starts its programmes with (MachineDefinition.measures), and the
// registry's rule for them.
import { describe, expect, it } from 'vitest';
import type { MeasureSpec } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { measuresProblem } from '../../src/engine/registry.ts';

const count = (id: string): MeasureSpec => ({ id, name: id, unit: 'count', target: null, breakdowns: [] });
const percent = (id: string, weightedBy?: string): MeasureSpec => ({
  id,
  name: id,
  unit: 'percent',
  target: null,
  breakdowns: [],
  ...(weightedBy && { weightedBy }),
});

describe('measures', () => {
  it('are named once each, and a percentage is weighted only by a count among them', () => {
    expect(measuresProblem([count('a'), percent('b', 'a')])).toBeNull();
    expect(measuresProblem([count('a'), count('a')])).toBe('the measure a is declared twice');
    expect(measuresProblem([percent('a'), percent('b', 'a')])).toMatch(
      /b must be a percentage weighted by a count/,
    );
    expect(measuresProblem([percent('b', 'missing')])).toMatch(/b must be/);
    expect(measuresProblem([{ ...count('a'), weightedBy: 'a' }])).toMatch(/a must be/);
  });

  it("fit their cycle: victims' services report the Ministry of Justice's, no other cycle does", () => {
    const of = (id: string) => machineDefinitions.find((d) => d.id === id)?.measures ?? [];
    for (const cycle of ['victims-services', 'sarc-recommissioning'])
      expect(of(cycle).map((m) => m.id)).toEqual(['victimsSupported', 'copeAndRecover']);
    for (const cycle of ['crime-disorder-grant', 'youth-fund']) {
      expect(of(cycle).length, cycle).toBeGreaterThan(0);
      expect(
        of(cycle).some((m) => m.id === 'victimsSupported' || m.id === 'copeAndRecover'),
        cycle,
      ).toBe(false);
    }
    for (const d of machineDefinitions) expect(measuresProblem(d.measures ?? []), d.id).toBeNull();
  });
});
