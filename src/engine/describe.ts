// A machine described for people and clients: states, events with JSON Schemas, senders, diagram.
import type { AnyStateNode } from 'xstate';
import { z } from 'zod';
import type { MachineDefinition } from '../../machines/define.ts';
import { actionTypes } from './actions.ts';
import { type Actor, isSender } from './actor.ts';
import { caseEvents } from './case-officer.ts';
import { rulebookEvents } from './rulebook.ts';

export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

const read = new WeakMap<z.ZodType, Record<string, any>>();

/**
 * A schema's JSON Schema, worked out once per schema and shared: how pages read a field's `.meta()`
 * (its title, hint, widget) on every request. Callers read it and never change it.
 */
export function schemaOf(schema: z.ZodType): Readonly<Record<string, any>> {
  const found = read.get(schema);
  if (found) return found;
  const json = jsonSchema(schema);
  read.set(schema, json);
  return json;
}

const byWidget = new WeakMap<z.ZodType, Map<string, string[]>>();

/** A payload's top-level fields shown with this widget (`supplier`, `officer`), worked out once per schema. */
export function fieldsWithWidget(schema: z.ZodObject, widget: string): string[] {
  let known = byWidget.get(schema);
  if (!known) {
    known = new Map();
    byWidget.set(schema, known);
  }
  let found = known.get(widget);
  if (!found) {
    const properties = (schemaOf(schema).properties ?? {}) as Record<string, { widget?: string }>;
    found = Object.entries(properties)
      .filter(([, field]) => field.widget === widget)
      .map(([name]) => name);
    known.set(widget, found);
  }
  return found;
}

interface Edge {
  from: string;
  to: string;
  label: string;
}

function humanDelay(ms: number): string {
  const days = ms / 86_400_000;
  if (Number.isInteger(days)) return `${days} day${days === 1 ? '' : 's'}`;
  return `${Math.round(ms / 60_000)} minutes`;
}

function edges(definition: MachineDefinition): Edge[] {
  const found: Edge[] = [];
  for (const [name, node] of Object.entries(definition.machine.root.states) as [string, AnyStateNode][]) {
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) {
        const delayed = node.after.find((after) => after.eventType === eventType);
        const label = delayed ? `after ${humanDelay(resolveDelay(definition, delayed.delay))}` : eventType;
        for (const target of transition.target ?? []) {
          // Guarded alternatives to the same target are one edge in the diagram.
          if (!found.some((e) => e.from === name && e.to === target.key && e.label === label)) {
            found.push({ from: name, to: target.key, label });
          }
        }
      }
    }
  }
  return found;
}

function resolveDelay(definition: MachineDefinition, delay: unknown): number {
  if (typeof delay === 'number') return delay;
  if (typeof delay !== 'string') return Number.NaN;
  const named = (definition.machine.implementations.delays as Record<string, unknown>)[delay];
  return typeof named === 'number' ? named : Number.NaN;
}

/** A Mermaid stateDiagram-v2 of the machine; `current` is highlighted when given. */
export function mermaid(definition: MachineDefinition, current?: string): string {
  const root = definition.machine.root;
  const lines = ['stateDiagram-v2', `  [*] --> ${root.initial?.target[0]?.key ?? ''}`];
  for (const edge of edges(definition)) lines.push(`  ${edge.from} --> ${edge.to}: ${edge.label}`);
  for (const [name, node] of Object.entries(root.states) as [string, AnyStateNode][]) {
    if (node.type === 'final') lines.push(`  ${name} --> [*]`);
  }
  if (current)
    lines.push(
      '  classDef current fill:#ffdd00,stroke:#0b0c0c,stroke-width:3px',
      `  class ${current} current`,
    );
  return lines.join('\n');
}

export function describeMachine(definition: MachineDefinition) {
  const root = definition.machine.root;
  return {
    id: definition.id,
    version: definition.version,
    title: definition.title,
    description: definition.description,
    initialState: root.initial?.target[0]?.key ?? null,
    states: (Object.entries(root.states) as [string, AnyStateNode][]).map(([name, node]) => ({
      name,
      label: definition.states[name]?.label ?? name,
      final: node.type === 'final',
      events: [...node.transitions.keys()].filter((type) => Object.hasOwn(definition.events, type)),
    })),
    createdBy: definition.createdBy,
    input: jsonSchema(definition.input),
    events: Object.entries(definition.events).map(([type, spec]) => ({
      type,
      label: spec.label,
      sentBy: spec.sentBy,
      // A decision is held for an approver's signature above the programme's delegation threshold.
      decision: !!spec.decision,
      payload: jsonSchema(spec.payload),
    })),
    /** The rulebook's events, which every machine takes while a decision awaits signature. */
    rulebookEvents: Object.entries(rulebookEvents).map(([type, spec]) => ({
      type,
      label: spec.label,
      sentBy: spec.sentBy,
      payload: jsonSchema(spec.payload),
    })),
    /** Events every case takes from staff until it ends: reassigning it to another officer. */
    caseEvents: Object.entries(caseEvents).map(([type, spec]) => ({
      type,
      label: spec.label,
      sentBy: spec.sentBy,
      payload: jsonSchema(spec.payload),
    })),
    mermaid: mermaid(definition),
  };
}

/** The states in which someone with this actor's role may send one of the machine's events. */
export function statesWhereActorActs(definition: MachineDefinition, actor: Actor): string[] {
  return (Object.entries(definition.machine.root.states) as [string, AnyStateNode][])
    .filter(([, node]) =>
      [...node.transitions.keys()].some((type) => {
        if (!Object.hasOwn(definition.events, type) || definition.events[type]!.whenever) return false;
        const senders = definition.events[type]!.sentBy;
        return actor.role === 'provider' ? senders.includes('owner') : isSender(actor, senders, '');
      }),
    )
    .map(([name]) => name);
}

/** The actions an event may run from a state (any of its guarded alternatives): what it will do. */
/** Whether the machine takes this event in this state (whatever its guards say). */
export function stateTakes(definition: MachineDefinition, state: string, type: string): boolean {
  return !!(definition.machine.root.states as Record<string, AnyStateNode>)[state]?.transitions.has(type);
}

export function transitionActions(definition: MachineDefinition, state: string, type: string): string[] {
  const node = (definition.machine.root.states as Record<string, AnyStateNode>)[state];
  return (node?.transitions.get(type) ?? []).flatMap((t) => actionTypes(t.actions));
}
