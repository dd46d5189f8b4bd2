// Figures against outcome measures: what a monitoring return or an end-of-grant report gives for each
// of the measures its case was opened with (copied from its programme, so a later change to the
// programme's measures never changes what an earlier return was asked). One shape and one rule for
// every cycle: the machines check with `figureProblems`, pages ask and read through the widget.
import { z } from 'zod';
import type { FieldProblem, MachineDefinition, MeasureSpec } from './define.ts';

/** One measure's figure: its value, and for a count broken down, the value of each part by name. */
export interface Figure {
  value: number;
  breakdown?: Record<string, number>;
}
/** Figures by measure id. */
export type Figures = Record<string, Figure>;

/** A payload's or a context's figures: asked and shown against the case's measures. */
export const measureFigures = z
  .record(
    z.string({ error: 'Name each measure' }),
    z.strictObject(
      {
        value: z.number({ error: 'Enter a number' }).meta({ title: 'Figure' }),
        breakdown: z
          .record(z.string(), z.number({ error: 'Enter a whole number' }))
          .optional()
          .meta({ title: 'By part' }),
      },
      { error: 'Give each measure a figure' },
    ),
    { error: 'Give a figure for each measure' },
  )
  .meta({ widget: 'measures' });

/** The measures a case reports against, as its context holds them (a copy of its programme's). */
export const measureList = z
  .array(
    z.object({
      id: z.string().meta({ title: 'Measure' }),
      name: z.string().meta({ title: 'Name' }),
      unit: z
        .enum(['count', 'percent'])
        .meta({ title: 'Unit', options: { count: 'A number', percent: 'A percentage' } }),
      target: z.number().nullable().meta({ title: 'Target' }),
      breakdowns: z.array(z.string().meta({ title: 'Part' })).meta({ title: 'Parts' }),
      weightedBy: z.string().nullable().optional().meta({ title: 'Weighted by' }),
    }),
  )
  .meta({ title: 'Measures reported on', widget: 'hidden' });

const wholeNumber = (n: number) => Number.isSafeInteger(n) && n >= 0;
const oneDecimalPlace = (n: number) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9;

/** How a measure is asked: what to enter, for hints and errors. */
export const measureAsks = (m: Pick<MeasureSpec, 'unit'>) =>
  m.unit === 'percent'
    ? 'a percentage from 0 to 100, to one decimal place at most'
    : 'a whole number, 0 or more';

/**
 * What is wrong with figures for these measures, each problem on its field (`measures.<id>`, or
 * `measures.<id>.<part>` for a part): every measure given, as a whole number or a percentage, a count
 * broken down into exactly its parts, which add up to it, and no figure for a measure not asked.
 */
export function figureProblems(
  measures: readonly MeasureSpec[],
  figures: Figures | undefined,
  field = 'measures',
): FieldProblem[] {
  const given = figures ?? {};
  const problems: FieldProblem[] = [];
  const problem = (at: string, message: string) => problems.push({ field: `${field}.${at}`, message });
  for (const m of measures) {
    const figure = given[m.id];
    if (!figure || typeof figure.value !== 'number') {
      problem(m.id, `Enter ${m.name.toLowerCase()}: ${measureAsks(m)}`);
      continue;
    }
    const fits =
      m.unit === 'percent'
        ? figure.value >= 0 && figure.value <= 100 && oneDecimalPlace(figure.value)
        : wholeNumber(figure.value);
    if (!fits) problem(m.id, `${m.name} must be ${measureAsks(m)}`);
    const parts = figure.breakdown ?? {};
    for (const part of Object.keys(parts).filter((p) => !m.breakdowns.includes(p)))
      problem(
        `${m.id}.${part}`,
        m.breakdowns.length
          ? `${m.name} is not broken down by "${part}"`
          : `${m.name} is not broken down into parts`,
      );
    if (!m.breakdowns.length) continue;
    let sum = 0;
    let whole = true;
    for (const part of m.breakdowns) {
      const value = parts[part];
      if (typeof value !== 'number' || !wholeNumber(value)) {
        whole = false;
        problem(`${m.id}.${part}`, `${m.name}, ${part}: enter a whole number, 0 or more`);
      } else sum += value;
    }
    if (whole && fits && sum !== figure.value)
      problem(m.id, `${m.name}: the parts add up to ${sum}, but the total is ${figure.value}`);
  }
  for (const id of Object.keys(given).filter((id) => !measures.some((m) => m.id === id)))
    problem(id, `"${id}" is not one of the measures this asks for`);
  return problems;
}

/** A figure as people read it: "120 (Domestic abuse 60, Sexual violence 30, Other crime 30)", "82.5%". */
export function figureText(m: Pick<MeasureSpec, 'unit' | 'breakdowns'>, figure: Figure): string {
  const value = m.unit === 'percent' ? `${figure.value}%` : figure.value.toLocaleString('en-GB');
  const given = figure.breakdown ?? {};
  const order = [...m.breakdowns, ...Object.keys(given).filter((p) => !m.breakdowns.includes(p))];
  const parts = order.filter((p) => typeof given[p] === 'number').map((p) => [p, given[p]!] as const);
  return parts.length
    ? `${value} (${parts.map(([part, n]) => `${part} ${n.toLocaleString('en-GB')}`).join(', ')})`
    : value;
}

/** The measures a case reports against, where its definition says it reports figures; else none. */
export function measuresOf(
  definition: Pick<MachineDefinition, 'reportsMeasures'>,
  context: unknown,
): MeasureSpec[] {
  const field = definition.reportsMeasures?.measures;
  const held = field ? (context as Record<string, unknown> | null)?.[field] : undefined;
  return Array.isArray(held) ? (held as MeasureSpec[]) : [];
}

/**
 * Figures as people read them, in the measures' order: "Victims supported: 120 (Domestic abuse 60,
 * …); Victims who say they cope and recover better: 82.5%". A figure for a measure not in the list
 * (none is taken) would read by its id.
 */
export function figuresText(measures: readonly MeasureSpec[], figures: Figures): string {
  return figureLines(measures, figures).join('; ') || 'None';
}

/** Each figure on a line of its own, as `figuresText` reads them. */
export function figureLines(measures: readonly MeasureSpec[], figures: Figures): string[] {
  const known = measures.filter((m) => figures[m.id]);
  const other = Object.keys(figures).filter((id) => !measures.some((m) => m.id === id));
  return [
    ...known.map((m) => `${m.name}: ${figureText(m, figures[m.id]!)}`),
    ...other.map((id) => `${id}: ${figureText({ unit: 'count', breakdowns: [] }, figures[id]!)}`),
  ];
}
