// The outcome measures each cycle starts its programmes with (MachineDefinition.measures), and the
// registry's rule for them.
import { describe, expect, it } from 'vitest';
import type { MeasureSpec } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { type Figures, figureProblems, figuresText } from '../../machines/measures.ts';
import { monitoringReturn } from '../../machines/monitoring-return.ts';
import { MachineRegistry, measuresProblem } from '../../src/engine/registry.ts';

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

describe('the registry refuses measures a form or a report could not read', () => {
  it.each<[MeasureSpec[], RegExp]>([
    [[count('victims.supported')], /must be letters and digits/],
    [[{ ...percent('p'), breakdowns: ['a'] }], /broken down, so must be a count/],
    [[{ ...count('c'), breakdowns: ['a', 'a'] }], /names a part twice/],
  ])('%o: %s', (measures, problem) => {
    expect(measuresProblem(measures)).toMatch(problem);
  });
});

const victims: MeasureSpec = {
  id: 'victimsSupported',
  name: 'Victims supported',
  unit: 'count',
  target: null,
  breakdowns: ['Domestic abuse', 'Other crime'],
};
const cope: MeasureSpec = { ...percent('cope', 'victimsSupported'), name: 'Cope and recover' };
const fields = (figures: Figures | undefined) => figureProblems([victims, cope], figures).map((p) => p.field);
const parts = (a: number, b: number) => ({ 'Domestic abuse': a, 'Other crime': b });

describe('figures against measures (one rule for every cycle)', () => {
  it('takes a whole count whose parts add up to it, and a percentage to one decimal place', () => {
    for (const value of [0, 1.1, 33.3, 66.7, 99.9, 100])
      expect(fields({ victimsSupported: { value: 10, breakdown: parts(4, 6) }, cope: { value } })).toEqual(
        [],
      );
    expect(fields({ victimsSupported: { value: 0, breakdown: parts(0, 0) }, cope: { value: 0 } })).toEqual(
      [],
    );
  });

  it.each<[string, Figures | undefined, string[]]>([
    ['nothing', undefined, ['measures.victimsSupported', 'measures.cope']],
    ['a measure left out', { victimsSupported: { value: 1, breakdown: parts(1, 0) } }, ['measures.cope']],
    [
      'a count not whole',
      { victimsSupported: { value: 1.5, breakdown: parts(1, 0) }, cope: { value: 1 } },
      ['measures.victimsSupported'],
    ],
    [
      'a negative count',
      { victimsSupported: { value: -1, breakdown: parts(0, 0) }, cope: { value: 1 } },
      ['measures.victimsSupported'],
    ],
    [
      'a percentage above 100',
      { victimsSupported: { value: 1, breakdown: parts(1, 0) }, cope: { value: 100.1 } },
      ['measures.cope'],
    ],
    [
      'a percentage below 0',
      { victimsSupported: { value: 1, breakdown: parts(1, 0) }, cope: { value: -0.1 } },
      ['measures.cope'],
    ],
    [
      'two decimal places',
      { victimsSupported: { value: 1, breakdown: parts(1, 0) }, cope: { value: 33.33 } },
      ['measures.cope'],
    ],
    [
      'parts that do not add up',
      { victimsSupported: { value: 10, breakdown: parts(4, 5) }, cope: { value: 1 } },
      ['measures.victimsSupported'],
    ],
    [
      'a part left out',
      { victimsSupported: { value: 4, breakdown: { 'Domestic abuse': 4 } }, cope: { value: 1 } },
      ['measures.victimsSupported.Other crime'],
    ],
    [
      'no parts at all',
      { victimsSupported: { value: 4 }, cope: { value: 1 } },
      ['measures.victimsSupported.Domestic abuse', 'measures.victimsSupported.Other crime'],
    ],
    [
      'a part not asked',
      { victimsSupported: { value: 4, breakdown: { ...parts(4, 0), Burglary: 0 } }, cope: { value: 1 } },
      ['measures.victimsSupported.Burglary'],
    ],
    [
      'parts of a measure with none',
      { victimsSupported: { value: 4, breakdown: parts(4, 0) }, cope: { value: 1, breakdown: { a: 1 } } },
      ['measures.cope.a'],
    ],
    [
      'a measure not asked',
      {
        victimsSupported: { value: 4, breakdown: parts(4, 0) },
        cope: { value: 1 },
        peopleReached: { value: 3 },
      },
      ['measures.peopleReached'],
    ],
  ])('refuses %s, naming the field', (_, figures, expected) => {
    expect(fields(figures)).toEqual(expected);
  });

  it('says what is wrong in words that name the measure', () => {
    const [sum] = figureProblems([victims], { victimsSupported: { value: 10, breakdown: parts(4, 5) } });
    expect(sum?.message).toBe('Victims supported: the parts add up to 9, but the total is 10');
    const [missing] = figureProblems([cope], {});
    expect(missing?.message).toBe(
      'Enter cope and recover: a percentage from 0 to 100, to one decimal place at most',
    );
  });

  it("reads in the measures' order, parts in theirs, with a percentage marked", () => {
    const figures = {
      cope: { value: 82.5 },
      victimsSupported: { value: 1200, breakdown: { 'Other crime': 200, 'Domestic abuse': 1000 } },
    };
    expect(figuresText([victims, cope], figures)).toBe(
      'Victims supported: 1,200 (Domestic abuse 1,000, Other crime 200); Cope and recover: 82.5%',
    );
    expect(figuresText([victims], {})).toBe('None');
  });
});

describe('the registry and where a case keeps its measures', () => {
  it('refuses a payload asking figures by measure from a machine that does not say where its measures are', () => {
    const { reportsMeasures: _r, ...without } = monitoringReturn;
    expect(() => new MachineRegistry([without as never])).toThrow(
      'SUBMIT_RETURN asks for figures by measure, but the machine does not say where its measures are',
    );
  });

  it('refuses measures said to be in a context field it does not describe', () => {
    const elsewhere = {
      ...monitoringReturn,
      reportsMeasures: { ...monitoringReturn.reportsMeasures, measures: 'nowhere' },
    };
    expect(() => new MachineRegistry([elsewhere as never])).toThrow(/said to be in nowhere/);
  });

  it('every machine that reports figures keeps its measures where it says', () => {
    for (const d of machineDefinitions.filter((m) => m.reportsMeasures))
      expect(Object.keys(d.context.shape), d.id).toContain(d.reportsMeasures!.measures);
    expect(
      machineDefinitions
        .filter((m) => m.reportsMeasures)
        .map((m) => m.id)
        .sort(),
    ).toEqual(['monitoring-return', 'youth-fund']);
  });
});
