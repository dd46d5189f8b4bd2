// How a case reads for people: its details, the history's words, the rulebook's hold, and the
// "are you sure?" page. Pence as pounds, dates and instants in London words, an event's name as its
// label, no ids.

import type { z } from 'zod';
import { dayInWords, isIsoDate } from '../../../machines/calendar.ts';
import type { MachineDefinition, MeasureSpec } from '../../../machines/define.ts';
import { formatPounds, releaseUnpaid } from '../../../machines/define.ts';
import { type Figures, figureLines, figuresText, measuresOf } from '../../../machines/measures.ts';
import { schemaOf, transitionActions } from '../../engine/describe.ts';
import { eventSpec, holdIn, SIGN_DECISION } from '../../engine/rulebook.ts';
import type { CaseView, HistoryEntry } from '../../engine/views.ts';
import { fieldSpecs } from './form-fields.ts';
import { sentences } from './forms.ts';
import { londonInstantText } from './views.ts';

type Json = Record<string, any>;
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The schema a value has, where a field is nullable or optional (`anyOf: [x, null]`). */
const solid = (s: Json | undefined): Json => {
  if (!s) return {};
  const options = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (!options) return s;
  const inner = options.find((o) => o.type !== 'null') ?? {};
  // Meta given on the nullable wrapper (its title, widget) belongs to the value too.
  const { anyOf: _a, oneOf: _o, ...outer } = s;
  return { ...inner, ...outer };
};

/** How the value reads to a person, as its field's meta says; nothing is guessed from a name. */
export interface Reading {
  /** An event's type as its label: a reason's `event`. */
  eventLabel?: (type: string) => string | undefined;
  /** A criterion's words, for numbers by criterion (widget `scores`) and a choice of one (`scored`). */
  criterion?: (id: string) => string | undefined;
  /** The criteria's ids in the definition's order: numbers by criterion are read in it. */
  criteriaOrder?: readonly string[];
  /** An organisation's name on record, for a supplier chosen by id (widget `supplier`). */
  organisation?: (id: string) => string | undefined;
  /** A person's name, for an officer chosen by id (widget `officer`). */
  person?: (id: string) => string | undefined;
  /** The measures figures were given against (widget `measures`), in the case's order. */
  measures?: readonly MeasureSpec[];
}

/**
 * One value for people, read through its field's schema: pence as pounds, dates and times written out
 * (London), an enum's words, an event's label, lists read in full, nested details by their titles.
 */
export function describeValue(
  schema: Json | undefined,
  value: unknown,
  reading: Reading = {},
  depth = 0,
): string {
  const s = solid(schema);
  if (value === null || value === undefined) return 'Not given';
  if (typeof value === 'number' && s.widget === 'money') return formatPounds(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') {
    if (s.format === 'date' && isIsoDate(value)) return dayInWords(value);
    if (s.format === 'date-time' && !Number.isNaN(Date.parse(value))) return londonInstantText(value);
    if (s.widget === 'event') return reading.eventLabel?.(value) ?? value;
    if (s.widget === 'scored') return reading.criterion?.(value) ?? value;
    if (s.widget === 'supplier') return reading.organisation?.(value) ?? 'An organisation on record';
    if (s.widget === 'officer') return reading.person?.(value) ?? 'An officer';
    return (s.options as Record<string, string> | undefined)?.[value] ?? value;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (!value.length) return 'None';
    // A list is read in full, oldest first: the queries on a report, the reasons given, however deep
    // (a person needs what was said, not how many things were).
    if (depth > 5) return count(value.length, 'entry', 'entries');
    return value.map((v) => describeValue(s.items, v, reading, depth + 1)).join(depth ? ', ' : ' | ');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (s.widget === 'measures') return figuresText(reading.measures ?? [], value as Figures);
  if (s.widget === 'scores' || (!s.properties && s.additionalProperties)) {
    const each = solid(s.additionalProperties as Json | undefined);
    const order = reading.criteriaOrder ?? [];
    const place = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
    return (
      [...entries]
        .sort(([a], [b]) => place(a) - place(b))
        .map(([k, v]) => `${reading.criterion?.(k) ?? k}: ${describeValue(each, v, reading, depth + 1)}`)
        .join('; ') || 'None'
    );
  }
  if (depth > 5) return count(entries.length, 'detail', 'details');
  const shown = Object.entries((s.properties ?? {}) as Record<string, Json>).filter(
    ([k, p]) =>
      solid(p).widget !== 'hidden' && (value as Json)[k] !== null && (value as Json)[k] !== undefined,
  );
  // A detail that is the object's only one needs no heading of its own: the row's heading says what
  // it is. (Of several, the one given keeps its heading: which partner agreed, say.)
  if (shown.length === 1 && Object.keys(s.properties ?? {}).length === 1)
    return describeValue(shown[0]![1], (value as Json)[shown[0]![0]], reading, depth + 1);
  return (
    shown
      .map(([k, p]) => `${solid(p).title ?? k}: ${describeValue(p, (value as Json)[k], reading, depth + 1)}`)
      // A record with nothing in it yet reads as its schema says (`empty`: "No partner has decided yet").
      .join('; ') || (typeof s.empty === 'string' ? s.empty : 'None')
  );
}

/** How a case's values read: event types as the definition's labels, criteria as the programme's words. */
export function readingFor(definition: MachineDefinition, context: unknown, names: Names = {}): Reading {
  const criteria = definition.criteria?.(context) ?? [];
  return {
    eventLabel: (type) => eventSpec(definition, type)?.label,
    criterion: (id) => criteria.find((c) => c.id === id)?.label,
    criteriaOrder: criteria.map((c) => c.id),
    organisation: (id) => names.organisations?.get(id),
    person: (id) => names.people?.get(id),
    measures: measuresOf(definition, context),
  };
}

/** Names by id of what forms choose by id: organisations (widget `supplier`), people (`officer`). */
export interface Names {
  organisations?: ReadonlyMap<string, string>;
  people?: ReadonlyMap<string, string>;
}

/**
 * The case's context as summary rows, in the order and words of the definition's `context` schema.
 * Hidden fields (ids, working flags), empty ones and the title that heads the page are left out.
 */
export function detailRows(context: unknown, definition: MachineDefinition, only?: readonly string[]) {
  const values = (context ?? {}) as Record<string, unknown>;
  // The case's title is its heading already, unless the fields are named (a letter's terms).
  const title = only ? undefined : definition.summary(values).title;
  const reading = readingFor(definition, values);
  const properties = (schemaOf(definition.context).properties ?? {}) as Record<string, Json>;
  const fields = only ? only.map((key) => [key, properties[key]!] as const) : Object.entries(properties);
  return fields
    .filter(([key, field]) => {
      const value = values[key];
      if (solid(field).widget === 'hidden' || value === null || value === undefined) return false;
      if (Array.isArray(value) && !value.length) return false;
      return !(typeof value === 'string' && value === title);
    })
    .map(([key, field]) => ({
      label: solid(field).title ?? key,
      value: describeValue(field, values[key], reading),
      lines: linesOf(field, values[key], reading),
      table: tableOf(field, values[key], reading),
    }));
}

type Cell = { text: string; format?: 'numeric' };

/**
 * A list of records of plain details (the tenders received, their scores) as a table, a column for
 * each detail, so they can be compared across; undefined for anything else.
 */
function tableOf(
  schema: Json,
  value: unknown,
  reading: Reading,
): { head: Cell[]; rows: Cell[][] } | undefined {
  const items = solid(solid(schema).items);
  if (!Array.isArray(value) || !value.length || !items.properties) return undefined;
  const columns = Object.entries(items.properties as Record<string, Json>).filter(
    ([, p]) => solid(p).widget !== 'hidden',
  );
  const plain = (p: Json) => !['object', 'array'].includes(solid(p).type);
  if (columns.length < 2 || !columns.every(([, p]) => plain(p))) return undefined;
  const numeric = (p: Json) => ['number', 'integer'].includes(solid(p).type);
  const cell = (p: Json, text: string): Cell => (numeric(p) ? { text, format: 'numeric' } : { text });
  return {
    head: columns.map(([k, p]) => cell(p, solid(p).title ?? k)),
    rows: value.map((item) =>
      columns.map(([k, p]) => cell(p, describeValue(p, (item as Json)?.[k], reading, 1))),
    ),
  };
}

/**
 * A record of several details (a return as submitted) one detail to a line, each by its title, a list
 * of several one item to a line, and figures by measure one measure to a line: read at a glance rather
 * than as one run-on sentence.
 * Undefined for anything else, which reads as its one value.
 */
function linesOf(schema: Json, value: unknown, reading: Reading): string[] | undefined {
  const s = solid(schema);
  // A list of several (the tenders received, the clarifications answered): one item to a line.
  if (Array.isArray(value))
    return value.length > 1 ? value.map((item) => describeValue(s.items, item, reading, 1)) : undefined;
  if (!value || typeof value !== 'object' || !s.properties) return undefined;
  const shown = Object.entries(s.properties as Record<string, Json>).filter(
    ([k, p]) =>
      solid(p).widget !== 'hidden' && (value as Json)[k] !== null && (value as Json)[k] !== undefined,
  );
  if (shown.length < 2) return undefined;
  return shown.flatMap(([k, p]) => {
    const v = (value as Json)[k];
    if (solid(p).widget === 'measures') return figureLines(reading.measures ?? [], v as Figures);
    return [`${solid(p).title ?? k}: ${describeValue(p, v, reading, 1)}`];
  });
}

/** What someone answered in an event's form, question by question, in the schema's words. */
export function answersTo(
  definition: MachineDefinition,
  schema: z.ZodObject,
  payload: Record<string, unknown>,
  context: unknown,
  names?: Names,
): { label: string; value: string }[] {
  const properties = (schemaOf(schema).properties ?? {}) as Record<string, Json>;
  const reading = readingFor(definition, context, names);
  return fieldSpecs(schema)
    .filter((field) => payload[field.name] !== undefined && solid(properties[field.name]).widget !== 'hidden')
    .map((field) => ({
      label: field.label,
      value: describeValue(properties[field.name], payload[field.name], reading),
    }));
}

/**
 * What the person said with an event, as its form asked it ("Why you are withdrawing the bid: …"), for
 * the history: a correction reads beside the original, a reason beside the step it explains.
 */
export function historyAnswers(
  definition: MachineDefinition,
  entry: HistoryEntry,
  context: unknown,
  names?: Names,
): string {
  const spec = eventSpec(definition, entry.type);
  const payload = entry.payload;
  if (!spec || !payload || typeof payload !== 'object') return '';
  return sentences(
    ...answersTo(definition, spec.payload, payload as Record<string, unknown>, context, names).map(
      ({ label, value }) => `${label}${/[?:]$/.test(label) ? '' : ':'} ${value}`,
    ),
  );
}

export function whatHappened(definition: MachineDefinition, entry: HistoryEntry): string {
  if (entry.type === 'CREATE') return 'Opened';
  const held = holdIn(entry.effects) === 'awaitingSignature';
  const decided = (entry.payload as { decision?: unknown } | null)?.decision;
  const decidedLabel = typeof decided === 'string' ? eventSpec(definition, decided)?.label : undefined;
  if (entry.type === SIGN_DECISION && decidedLabel) return `Signed the decision: ${decidedLabel}`;
  const spec = eventSpec(definition, entry.type);
  if (spec && held) return `${spec.label} (awaiting an approver's signature)`;
  if (spec) return spec.label;
  if (entry.type.startsWith('xstate.after')) return 'Time limit passed';
  return entry.type;
}

/**
 * What staff see of the rulebook's hold on a case: the decision awaiting a signature (what, how much,
 * against which threshold, by whom) or the reasons the approver sent the last one back.
 */
export function decisionPanel(
  definition: MachineDefinition,
  view: CaseView,
  people: readonly { id: string; name: string; role: string }[],
) {
  const held = view.decision;
  if (!held) return null;
  const label = eventSpec(definition, held.event)?.label ?? held.event;
  const name = (id: string | null) => people.find((p) => p.id === id)?.name ?? 'Someone';
  if (held.status === 'sentBack')
    return {
      heading: 'The approver sent the last decision back',
      rows: [
        {
          key: 'Decision',
          value: held.amountPence === null ? label : `${label}: ${formatPounds(held.amountPence)}`,
        },
        { key: 'Made by', value: name(held.decidedBy) },
        { key: 'Sent back by', value: name(held.sentBackBy) },
        { key: 'Reasons', value: held.reason },
        {
          key: 'What it means',
          value: 'The next decision on this case needs an approver to sign it, whatever its amount.',
        },
      ],
    };
  // What the approver signs: the decision's terms, as the decider gave them.
  const spec = eventSpec(definition, held.event);
  const terms = spec
    ? answersTo(definition, spec.payload, held.payload, view.context).map(({ label, value }) => ({
        key: label,
        value,
      }))
    : [];
  return {
    heading: "Decision awaiting an approver's signature",
    rows: [
      { key: 'Decision', value: label },
      ...terms,
      // A decision that moves no money (a preferred bidder) has no total to show.
      ...(held.amountPence === null
        ? []
        : [{ key: 'Award total once signed', value: formatPounds(held.amountPence) }]),
      {
        key: 'Why it needs a signature',
        value:
          held.because === 'sentBack'
            ? 'The approver sent the previous decision back'
            : held.because === 'declared'
              ? (held.reason ?? 'The approver signs this kind of decision')
              : held.thresholdPence === 0
                ? 'An approver signs every award on this programme: its delegation threshold is £0'
                : `It is above the delegation threshold of ${formatPounds(held.thresholdPence)}`,
      },
      { key: 'Made by', value: name(held.decidedBy) },
    ],
  };
}

/** The page that asks "are you sure?" before an action that cannot be undone, carrying the form on. */
export function confirmation(
  definition: MachineDefinition,
  view: CaseView,
  type: string,
  body: Record<string, unknown>,
  payload: Record<string, unknown>,
) {
  const spec = eventSpec(definition, type)!;
  const label = spec.label;
  const answers = answersTo(definition, spec.payload, payload, view.context);
  const hidden = Object.entries(body)
    .filter(([name]) => !['_csrf', '_confirmed', '_action'].includes(name))
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: typeof v === 'string' ? v : '' })),
    );
  return {
    title: `Are you sure? ${label}`,
    question: `Are you sure you want to ${label.charAt(0).toLowerCase()}${label.slice(1)}?`,
    // Ending an award says what ending does to its money, its payments and its returns.
    warning: transitionActions(definition, view.state, type).includes(releaseUnpaid.type)
      ? 'This cannot be undone. Payments not yet made are cancelled and their money goes back to the fund; monitoring returns for periods after today are withdrawn. The organisation will be told by email.'
      : 'This cannot be undone. The organisation will be told by email.',
    reference: view.reference,
    caseTitle: view.title,
    caseId: view.id,
    type,
    label,
    answers,
    hidden,
  };
}
