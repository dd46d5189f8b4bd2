// Finds, for any machine of the registry, a way to each state it can reach: a breadth-first search
// over pure transitions (no database) from a real case's snapshot, with payloads of the right shape
// drawn from each event's JSON Schema. The same search then finds, against a live case's snapshot,
// the payload that takes it one step further, so a case in any state can be built over HTTP.
import fc from 'fast-check';
import type { AnyMachineSnapshot } from 'xstate';
import { londonDate } from '../../machines/calendar.ts';
import type { MachineDefinition } from '../../machines/define.ts';
import { jsonSchema } from '../../src/engine/describe.ts';
import { acceptedEvents, stateName, step } from '../../src/engine/snapshot.ts';
import { type JsonSchema, validShaped } from './fuzz.ts';

/** Payloads to try first for an event, from the case's context (e.g. score exactly the bidders who tendered). */
export type Hint = (context: any) => Record<string, unknown>[];

/**
 * One step of a way to a state: the event, and the state it leads to; `on`, the London day it is sent
 * on where time had to pass first (a tender deadline, a contract's start: a day the case names).
 */
export interface Step {
  type: string;
  to: string;
  on?: string;
}
export interface Way {
  state: string;
  steps: Step[];
  /** The machine's events this state has a transition for (guards aside). */
  accepts: string[];
}

const SAMPLES = 10;
const EXPANSIONS_PER_STATE = 5;
const MAX_NODES = 600;

type Payload = Record<string, unknown>;

export class Explorer {
  private readonly samples = new Map<string, Payload[]>();

  /**
   * `today` is the London date the engine's rules about dates read (its clock's): the real one unless
   * the app under test runs on another clock.
   */
  constructor(
    readonly definition: MachineDefinition,
    private readonly hints: Record<string, Hint> = {},
    private readonly today: () => string = () => londonDate(new Date()),
    /** Organisations on record a `supplier` field may choose (the engine refuses any other id). */
    private readonly suppliers: readonly string[] = [],
  ) {}

  /** Payloads of the right shape for an event, and variants nearer what the case's context allows. */
  candidates(type: string, context: Record<string, any>): Payload[] {
    const schema = jsonSchema(this.definition.events[type]!.payload) as JsonSchema;
    let samples = this.samples.get(type);
    if (!samples) {
      samples = fc.sample(validShaped(schema), { seed: 42, numRuns: SAMPLES }) as Payload[];
      this.samples.set(type, samples);
    }
    const properties = schema.properties ?? {};
    const fromContext = (p: Payload) =>
      Object.fromEntries(
        Object.entries(p).map(([k, v]) => {
          const known = context?.[k];
          return [k, known !== null && known !== undefined && typeof known === typeof v ? known : v];
        }),
      );
    const least = (p: Payload) =>
      Object.fromEntries(
        Object.entries(p).map(([k, v]) =>
          typeof v === 'number' ? [k, properties[k]?.minimum ?? 0] : [k, v],
        ),
      );
    const agreeing = (p: Payload): Payload =>
      Object.fromEntries(
        Object.entries(p).map(([k, v]) => [
          k,
          typeof v === 'boolean'
            ? true
            : v && typeof v === 'object' && !Array.isArray(v)
              ? agreeing(v as Payload)
              : v,
        ]),
      );
    const required = new Set(schema.required ?? []);
    const bare = (p: Payload) => Object.fromEntries(Object.entries(p).filter(([k]) => required.has(k)));
    const hinted = this.hinted(type, context);
    // A supplier field chooses each organisation on record in turn: an id made up is never one.
    const chosen = Object.keys(properties).filter(
      (k) => (properties[k] as { widget?: string }).widget === 'supplier',
    );
    const onRecord = (p: Payload): Payload[] =>
      chosen.length && this.suppliers.length
        ? this.suppliers.map((id) => ({ ...p, ...Object.fromEntries(chosen.map((k) => [k, id])) }))
        : [p];
    const all = [
      ...hinted,
      ...samples.flatMap((s) => [s, bare(s), fromContext(s), least(s), least(fromContext(s)), agreeing(s)]),
    ].flatMap(onRecord);
    const seen = new Set<string>();
    return all.filter((p) => {
      const key = JSON.stringify(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** A hint's payloads; none when the hint no longer fits the machine (a context field renamed). */
  private hinted(type: string, context: Record<string, any>): Payload[] {
    try {
      return this.hints[type]?.(context) ?? [];
    } catch {
      return [];
    }
  }

  /**
   * The snapshot after `type` with `payload`, or undefined when the engine would refuse it. As the
   * engine does, rules and guards are given today's date (a report due date not in the past, a grant
   * completed only once its agreement has ended).
   */
  attempt(
    snapshot: AnyMachineSnapshot,
    type: string,
    payload: Payload,
    today: string = this.today(),
  ): AnyMachineSnapshot | undefined {
    const spec = this.definition.events[type]!;
    const parsed = spec.payload.safeParse(payload);
    if (!parsed.success) return undefined;
    const now = { today };
    if (spec.check?.(snapshot.context, parsed.data, now).length) return undefined;
    // As the engine does, the machine is told the names of the suppliers chosen (here, their ids).
    const suppliers = Object.fromEntries(this.suppliers.map((id) => [id, id]));
    const event = { ...parsed.data, type, today: now.today, suppliers };
    if (!snapshot.can(event)) return undefined;
    return step(this.definition, snapshot, event).snapshot;
  }

  /** A payload taking this snapshot to state `to` by `type` (sent on `today`), if one of the candidates does. */
  payloadTo(snapshot: AnyMachineSnapshot, type: string, to: string, today?: string): Payload | undefined {
    return this.candidates(type, snapshot.context).find((payload) => {
      const next = this.attempt(snapshot, type, payload, today);
      return next !== undefined && stateName(next) === to;
    });
  }

  /** The days after `today` the case names (its deadlines, its contract's dates), soonest first. */
  private laterDays(context: unknown, today: string): string[] {
    const days = new Set<string>();
    const visit = (value: unknown, depth: number) => {
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && value > today) days.add(value);
      else if (value && typeof value === 'object' && depth < 4)
        for (const inner of Object.values(value)) visit(inner, depth + 1);
    };
    visit(context, 0);
    return [...days].sort();
  }

  /**
   * A shortest way found to every reachable state. States are searched with their context, since
   * an event that stays put (record a tender) can open the way to another (score the tenders).
   */
  ways(initial: AnyMachineSnapshot): Map<string, Way> {
    const accepts = (s: AnyMachineSnapshot) => acceptedEvents(this.definition, s);
    const found = new Map<string, Way>([
      [stateName(initial), { state: stateName(initial), steps: [], accepts: accepts(initial) }],
    ]);
    const expanded = new Map<string, number>();
    const seen = new Set<string>();
    const key = (s: AnyMachineSnapshot) => `${stateName(s)} ${JSON.stringify(s.context)}`;
    const queue: { snapshot: AnyMachineSnapshot; steps: Step[]; today: string }[] = [
      { snapshot: initial, steps: [], today: this.today() },
    ];
    seen.add(key(initial));
    let nodes = 0;
    while (queue.length && nodes++ < MAX_NODES) {
      const { snapshot, steps, today } = queue.shift()!;
      const state = stateName(snapshot);
      const times = expanded.get(state) ?? 0;
      if (times >= EXPANSIONS_PER_STATE) continue;
      expanded.set(state, times + 1);
      for (const type of accepts(snapshot)) {
        // Today first; where nothing is taken today, each later day the case names in turn (the
        // award notice once the tender deadline has come, the service once its contract starts).
        for (const day of [today, ...this.laterDays(snapshot.context, today)]) {
          const reached = new Set<string>();
          // Where a hint gives payloads the machine takes, they are the way on: the sampled ones would
          // only branch the search into dead ends (a board refusal back to moderation, say).
          const hinted = this.hinted(type, snapshot.context).filter((p) =>
            this.attempt(snapshot, type, p, day),
          );
          for (const payload of hinted.length ? hinted : this.candidates(type, snapshot.context)) {
            const next = this.attempt(snapshot, type, payload, day);
            if (!next) continue;
            const to = stateName(next);
            if (reached.has(to)) continue;
            reached.add(to);
            const way = [...steps, day === this.today() ? { type, to } : { type, to, on: day }];
            if (!found.has(to)) found.set(to, { state: to, steps: way, accepts: accepts(next) });
            // A final state leads nowhere: found, but not searched from (abandoning is possible from
            // most SARC states, and would otherwise fill the search with dead ends).
            if (next.status === 'active' && !seen.has(key(next))) {
              seen.add(key(next));
              queue.push({ snapshot: next, steps: way, today: day });
            }
          }
          if (reached.size) break;
        }
      }
    }
    return found;
  }
}
