// How a case reads for people: its details, the history's words, the rulebook's hold, and the
// "are you sure?" page. Pence as pounds, dates and instants in London words, an event's name as its
// label, no ids.
import type { MachineDefinition } from '../../../machines/define.ts';
import { formatPounds } from '../../../machines/define.ts';
import { eventSpec, holdIn, SIGN_DECISION } from '../../engine/rulebook.ts';
import type { CaseView, HistoryEntry } from '../../engine/views.ts';
import { fieldSpecs, humanise } from './forms.ts';
import { londonDay, londonInstantText } from './views.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A flat record (no nested objects): each of a list of them can be read on one line. */
const isFlat = (v: unknown) =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => x === null || typeof x !== 'object');

/**
 * One value for people: pence as pounds, dates and times written out (London), an event's name as its
 * label, lists of words and of flat records read in full, anything deeper summarised.
 */
export function describeValue(
  key: string,
  value: unknown,
  depth = 0,
  labelOf: (s: string) => string = (s) => s,
): string {
  if (typeof value === 'number' && key.endsWith('Pence')) return formatPounds(value);
  if (typeof value === 'string' && ISO_DATE.test(value))
    return londonDay.format(new Date(`${value}T12:00:00Z`));
  if (typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)))
    return londonInstantText(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return labelOf(value);
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return 'Not given';
  // A list of words (the queries on a report) is read in full, oldest first; so is a list of flat
  // records (the reasons given, each with what it was given for), one after another.
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('; ') || 'None';
  if (Array.isArray(value) && value.length && value.every(isFlat))
    return value.map((v) => describeValue(key, v, depth + 1, labelOf)).join(' | ');
  if (Array.isArray(value)) return value.length ? count(value.length, 'entry', 'entries') : 'None';
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== null && !(typeof v === 'string' && UUID.test(v)),
  );
  if (depth > 1 || entries.some(([, v]) => typeof v === 'object'))
    return count(entries.length, 'detail', 'details');
  return (
    entries.map(([k, v]) => `${humanise(k)}: ${describeValue(k, v, depth + 1, labelOf)}`).join('; ') || 'None'
  );
}

/**
 * The case's context as summary rows; the template formats pence and dates with its filters. Ids
 * mean nothing to a person and are left out; an event's name is shown as its label.
 */
export function detailRows(context: unknown, definition?: MachineDefinition) {
  const labelOf = (text: string) => (definition && eventSpec(definition, text)?.label) || text;
  return Object.entries((context ?? {}) as Record<string, unknown>)
    .filter(([key, value]) => key !== 'title' && value !== null && !(Array.isArray(value) && !value.length))
    .filter(([, value]) => !(typeof value === 'string' && UUID.test(value)))
    .map(([key, value]) => {
      const kind =
        typeof value === 'number' && key.endsWith('Pence')
          ? 'pence'
          : typeof value === 'string' && ISO_DATE.test(value)
            ? 'date'
            : 'text';
      return {
        label: humanise(key),
        kind,
        value: kind === 'text' ? describeValue(key, value, 0, labelOf) : value,
      };
    });
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
        { key: 'Decision', value: `${label}: ${formatPounds(held.amountPence)}` },
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
    ? fieldSpecs(spec.payload)
        .filter((field) => held.payload[field.name] !== undefined)
        .map((field) => {
          const value = held.payload[field.name];
          return {
            key: field.label,
            value:
              field.kind === 'money' && typeof value === 'number'
                ? formatPounds(value)
                : describeValue(field.name, value),
          };
        })
    : [];
  return {
    heading: "Decision awaiting an approver's signature",
    rows: [
      { key: 'Decision', value: label },
      ...terms,
      { key: 'Award total once signed', value: formatPounds(held.amountPence) },
      {
        key: 'Why it needs a signature',
        value:
          held.because === 'sentBack'
            ? 'The approver sent the previous decision back'
            : held.because === 'declared'
              ? (held.reason ?? 'The approver signs this kind of decision')
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
  const title = (view.context as { title?: unknown } | null)?.title;
  const answers = fieldSpecs(spec.payload)
    .filter((field) => payload[field.name] !== undefined)
    .map((field) => ({ label: field.label, value: describeValue(field.name, payload[field.name]) }));
  const hidden = Object.entries(body)
    .filter(([name]) => !['_csrf', '_confirmed', '_action'].includes(name))
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: typeof v === 'string' ? v : '' })),
    );
  return {
    title: `Are you sure? ${label}`,
    question: `Are you sure you want to ${label.charAt(0).toLowerCase()}${label.slice(1)}?`,
    warning: 'This cannot be undone. The organisation will be told by email.',
    reference: view.reference,
    caseTitle: typeof title === 'string' ? title : '',
    caseId: view.id,
    type,
    label,
    answers,
    hidden,
  };
}
