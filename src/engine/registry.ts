import type { MachineDefinition, MeasureSpec } from '../../machines/define.ts';
import { fieldsWithWidget } from './describe.ts';
import { fieldMetaProblems } from './field-meta.ts';
import { panelFieldsProblem, undeclaredDecisions } from './rulebook.ts';
import { declaredEventTypes } from './snapshot.ts';

/**
 * The machines the engine may run, by id and version. Old versions stay registered so cases keep
 * running on the version they started on. Checks at start-up that every definition is complete.
 */
export class MachineRegistry {
  private readonly byKey = new Map<string, MachineDefinition>();
  private readonly latestById = new Map<string, MachineDefinition>();

  constructor(definitions: readonly MachineDefinition[]) {
    for (const definition of definitions) {
      const key = `${definition.id}@${definition.version}`;
      if (this.byKey.has(key)) throw new Error(`Machine ${key} is registered twice`);
      assertComplete(definition);
      this.byKey.set(key, definition);
      const latest = this.latestById.get(definition.id);
      if (!latest || latest.version < definition.version) this.latestById.set(definition.id, definition);
    }
  }

  get(id: string, version: number): MachineDefinition | undefined {
    return this.byKey.get(`${id}@${version}`);
  }

  latest(id: string): MachineDefinition | undefined {
    return this.latestById.get(id);
  }

  list(): MachineDefinition[] {
    return [...this.latestById.values()];
  }
}

function assertComplete(definition: MachineDefinition): void {
  const name = `${definition.id}@${definition.version}`;
  if (definition.machine.id !== definition.id) {
    throw new Error(`${name}: the XState machine id is "${definition.machine.id}"`);
  }
  const inMachine = declaredEventTypes(definition.machine);
  const declared = Object.keys(definition.events);
  const undeclared = [...inMachine].filter((type) => !declared.includes(type));
  const unused = declared.filter((type) => !inMachine.has(type));
  if (undeclared.length) throw new Error(`${name}: events without a spec: ${undeclared.join(', ')}`);
  if (unused.length)
    throw new Error(`${name}: specs for events the machine never takes: ${unused.join(', ')}`);
  // Flat and persistable: a state is one name, and nothing lives outside the stored snapshot.
  for (const [state, node] of Object.entries(definition.machine.root.states)) {
    if (Object.keys(node.states).length) throw new Error(`${name}: state ${state} has nested states`);
    if (node.type === 'history') throw new Error(`${name}: state ${state} is a history state`);
    if (node.invoke.length) throw new Error(`${name}: state ${state} invokes an actor`);
  }
  if (definition.machine.root.invoke.length) throw new Error(`${name}: the machine invokes an actor`);
  const reports = definition.reportsMeasures;
  if (reports && !Object.hasOwn(definition.context.shape, reports.measures))
    throw new Error(
      `${name}: its measures are said to be in ${reports.measures}, which its context does not describe`,
    );
  for (const [type, spec] of Object.entries(definition.events)) {
    const missing = (spec.letter?.terms ?? []).filter(
      (term) => !Object.hasOwn(definition.context.shape, term),
    );
    if (missing.length)
      throw new Error(
        `${name}: ${type}'s letter names terms its context does not describe: ${missing.join(', ')}`,
      );
  }
  const applications = Object.entries(definition.events).filter(([, spec]) => spec.application);
  // Bids: cases an organisation opens itself under a programme, answering its application form.
  const ownersOpen = definition.createdBy.includes('owner') && 'programmeId' in definition.input.shape;
  if (ownersOpen && applications.length !== 1)
    throw new Error(
      `${name}: its organisations open their own cases under a programme, so one event must send the application`,
    );
  if (!ownersOpen && applications.length)
    throw new Error(
      `${name}: ${applications[0]![0]} sends an application, but its organisations never open a case`,
    );
  for (const [type, spec] of Object.entries(definition.events)) {
    const checks = spec.profileChecks;
    if (!checks) continue;
    const field = spec.payload.shape[checks.field] as { shape?: Record<string, unknown> } | undefined;
    const missing = Object.keys(checks.documents).filter((check) => !field?.shape || !(check in field.shape));
    if (!field || missing.length)
      throw new Error(
        `${name}: ${type}'s profileChecks name checks its payload's ${checks.field} lacks: ${missing.join(', ')}`,
      );
  }
  const together = definition.openedTogether;
  if (together) {
    const fields = Object.keys(definition.input.shape);
    const asked = [...fields];
    for (const field of together.askedOnce)
      if (!fields.includes(field))
        throw new Error(`${name}: openedTogether asks ${field}, not a creation field`);
    for (const type of together.sends) {
      const spec = definition.events[type];
      if (!spec) throw new Error(`${name}: openedTogether sends ${type}, which it does not declare`);
      for (const field of Object.keys(spec.payload.shape)) {
        if (asked.includes(field))
          throw new Error(`${name}: openedTogether asks ${field} twice (in ${type} and before it)`);
        asked.push(field);
      }
    }
  }
  const measureProblem = measuresProblem(definition.measures ?? []);
  if (measureProblem) throw new Error(`${name}: ${measureProblem}`);
  if (definition.machine.root.type === 'parallel')
    throw new Error(`${name}: parallel machines cannot be one state`);
  for (const [type, spec] of Object.entries(definition.events)) {
    const hidden = Array.isArray(spec.staffOnly) ? spec.staffOnly : [];
    const unknown = hidden.filter((field) => !Object.hasOwn(spec.payload.shape, field));
    if (unknown.length)
      throw new Error(`${name}: ${type} keeps unknown fields for staff: ${unknown.join(', ')}`);
    // An action that cannot be undone always says why.
    const reason = spec.payload.shape.reason as
      | { safeParse(value: unknown): { success: boolean } }
      | undefined;
    if (spec.sentBy.includes('owner') && !spec.ownerPermission)
      throw new Error(
        `${name}: ${type} is sent by the owner, so it must say which of their people may send it (ownerPermission)`,
      );
    if (spec.irreversible && (!reason || reason.safeParse(undefined).success))
      throw new Error(`${name}: ${type} cannot be undone, so its payload must require a reason`);
    const panelProblem = panelFieldsProblem(spec);
    if (panelProblem) throw new Error(`${name}: ${type} ${panelProblem}`);
    if (spec.servicePeriod && !spec.payload.shape.endsOn)
      throw new Error(`${name}: ${type} sets a service period, so its payload must have its endsOn`);
    if (spec.reportsSpend && !spec.payload.shape.spendAboveAward?.safeParse(undefined).success)
      throw new Error(
        `${name}: ${type} reports spend, so its payload must offer an optional spendAboveAward`,
      );
    if (fieldsWithWidget(spec.payload, 'measures').length && !definition.reportsMeasures)
      throw new Error(
        `${name}: ${type} asks for figures by measure, but the machine does not say where its measures are`,
      );
    if ((spec.closesScoring || spec.moderates) && !definition.panelScoringStates?.length)
      throw new Error(`${name}: ${type} works on panel scores, but the machine has no panel scoring states`);
  }
  // Every field people answer or read has words of its own: no page guesses them from a name.
  const unworded = [
    ...fieldMetaProblems(definition.input).map((p) => `input: ${p}`),
    ...fieldMetaProblems(definition.context).map((p) => `context: ${p}`),
    ...Object.entries(definition.events).flatMap(([type, spec]) =>
      fieldMetaProblems(spec.payload).map((p) => `${type}: ${p}`),
    ),
  ];
  if (unworded.length) throw new Error(`${name}: ${unworded.join('; ')}`);
  const decisions = undeclaredDecisions(definition);
  if (decisions.length) throw new Error(`${name}: ${decisions.join('; ')}`);
  const unlabelled = Object.keys(definition.machine.root.states).filter((state) => !definition.states[state]);
  if (unlabelled.length) throw new Error(`${name}: states without a label: ${unlabelled.join(', ')}`);
  const untimely = Object.entries(definition.states).filter(
    ([, spec]) =>
      spec.answerWithin &&
      (!Number.isInteger(spec.answerWithin.workingDays) || spec.answerWithin.workingDays < 1),
  );
  if (untimely.length)
    throw new Error(
      `${name}: answerWithin must be a whole number of working days, 1 or more: ${untimely.map(([s]) => s).join(', ')}`,
    );
  const unknownScoring = (definition.panelScoringStates ?? []).filter(
    (s) => !(s in definition.machine.root.states),
  );
  if (unknownScoring.length)
    throw new Error(`${name}: panel scoring in unknown states: ${unknownScoring.join(', ')}`);
}

/**
 * What is wrong with a cycle's measures, or null: each named once, and a percentage weighted only by
 * a count among them.
 */
export function measuresProblem(measures: readonly MeasureSpec[]): string | null {
  const ids = measures.map((m) => m.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) return `the measure ${twice} is declared twice`;
  for (const m of measures) {
    // Ids name form inputs (`measures.<id>.<part>`) and JSON keys: a word, no dots.
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(m.id)) return `the measure id ${m.id} must be letters and digits`;
    if (m.breakdowns.length && m.unit !== 'count')
      return `the measure ${m.id} is broken down, so must be a count`;
    if (new Set(m.breakdowns).size !== m.breakdowns.length) return `the measure ${m.id} names a part twice`;
    if (!m.weightedBy) continue;
    const by = measures.find((other) => other.id === m.weightedBy);
    if (m.unit !== 'percent' || by?.unit !== 'count')
      return `the measure ${m.id} must be a percentage weighted by a count among the measures`;
  }
  return null;
}
