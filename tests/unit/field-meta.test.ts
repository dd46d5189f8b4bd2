// The definition owns how its cycle reads: every field people answer or read has its own words, and
// no module in src/ names a machine by a string.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { commissioningRound } from '../../machines/commissioning-round.ts';
import { defineMachine, pence } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { sarcRecommissioning } from '../../machines/sarc-recommissioning.ts';
import { lintMachineIds, machineIdsWritten } from '../../scripts/machine-ids.ts';
import { fieldMetaProblems, undescribedFields } from '../../src/engine/field-meta.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import { describeValue, detailRows } from '../../src/http/web/case-details.ts';
import { communityChest } from '../helpers/community-chest.ts';

const machine = setup({}).createMachine({
  id: 'worded',
  initial: 'a',
  states: { a: { on: { GO: 'b' } }, b: { type: 'final' } },
});
const worded = defineMachine({
  id: 'worded',
  version: 1,
  referencePrefix: 'W',
  messages: {},
  context: z.object({ amountPence: pence.meta({ title: 'Amount' }) }),
  summary: () => ({ title: 'A case', amountPence: null }),
  ownerKinds: ['provider'] as const,
  title: 'Worded',
  description: 'D',
  input: z.strictObject({}),
  createdBy: ['officer'] as const,
  machine,
  events: {
    GO: {
      label: 'Go',
      payload: z.strictObject({ amountPence: pence.meta({ title: 'Amount' }) }),
      sentBy: ['officer'] as const,
    },
  },
  states: { a: { label: 'A' }, b: { label: 'B' } },
});

describe('field words', () => {
  it('every shipped machine words every field', () => {
    for (const d of machineDefinitions) {
      expect(fieldMetaProblems(d.context), d.id).toEqual([]);
      expect(fieldMetaProblems(d.input), d.id).toEqual([]);
      for (const [type, spec] of Object.entries(d.events))
        expect(fieldMetaProblems(spec.payload), `${d.id} ${type}`).toEqual([]);
    }
  });

  it('accepts a definition whose fields all have titles', () => {
    expect(() => new MachineRegistry([worded])).not.toThrow();
  });

  it('refuses a payload field without a title, naming it', () => {
    const unworded = {
      ...worded,
      events: { GO: { ...worded.events.GO, payload: z.strictObject({ amountPence: pence }) } },
    };
    expect(() => new MachineRegistry([unworded])).toThrow('worded@1: GO: amountPence has no title');
  });

  it('refuses a context field without a title, nested ones too', () => {
    const nested = z.object({
      terms: z.object({ startsOn: z.string() }).nullable().meta({ title: 'Terms' }),
    });
    expect(() => new MachineRegistry([{ ...worded, context: nested }])).toThrow(
      'worded@1: context: terms.startsOn has no title',
    );
  });

  it('refuses an enum whose values are not all put in words', () => {
    const profile = z.object({
      profile: z.enum(['oneOff', 'quarterly']).meta({ title: 'How it is paid', options: { oneOff: 'Once' } }),
    });
    expect(fieldMetaProblems(profile)).toEqual(['profile does not say in words what quarterly mean']);
  });

  it('finds the context fields a definition does not describe', () => {
    const schema = z.object({
      title: z.string().meta({ title: 'Title' }),
      terms: z
        .object({ startsOn: z.string().meta({ title: 'Starts on' }) })
        .nullable()
        .meta({ title: 'Terms' }),
      reasons: z.array(z.object({ reason: z.string().meta({ title: 'Reason' }) })).meta({ title: 'Reasons' }),
      scores: z.record(z.string(), z.number()).meta({ title: 'Scores', widget: 'scores' }),
    });
    expect(
      undescribedFields(schema, {
        title: 'x',
        terms: { startsOn: '2027-04-01', endsOn: '2028-03-31' },
        reasons: [{ reason: 'r', event: 'WITHDRAW' }],
        scores: { need: 3 },
        forgotten: true,
      }),
    ).toEqual(['terms.endsOn', 'reasons[0].event', 'forgotten']);
    expect(undescribedFields(schema, { title: 'x', terms: null, reasons: [], scores: {} })).toEqual([]);
  });
});

describe('the machine-id lint', () => {
  const ids = ['youth-fund', 'award-payment'];

  it('finds a machine id written as a string, in any quotes', () => {
    const text = [
      "const a = 'youth-fund';",
      'const b = youthFund.id;',
      'const c = "award-payment";',
      'const d = `youth-fund`;',
      "const e = 'youth-fund-extra';",
      "const f = 'payment';",
    ].join('\n');
    expect(machineIdsWritten('x.ts', text, ids)).toEqual([
      { file: 'x.ts', line: 1, id: 'youth-fund' },
      { file: 'x.ts', line: 3, id: 'award-payment' },
      { file: 'x.ts', line: 4, id: 'youth-fund' },
    ]);
  });

  it('finds none in src/', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    expect(lintMachineIds(root)).toEqual([]);
  });
});

describe('details read through the definition', () => {
  it('shows money as pounds, enums in words, and one nested detail without repeating its heading', () => {
    const rows = detailRows(
      {
        title: 'Bikes',
        amountRequestedPence: 90_000,
        neighbourhood: 'south',
        purpose: null,
        awardedPence: null,
        reasons: [{ event: 'DECLINE', reason: 'Too late' }],
      },
      communityChest,
    );
    // The title heads the page, so it is not a row; empty fields are left out.
    expect(rows).toEqual([
      { label: 'Asked for', value: '£900.00' },
      { label: 'Where it runs', value: 'South of the river' },
      {
        label: 'Reasons given',
        value: 'Decision: Say no from the chest; Reasons: Too late',
        // A list of records of plain details is a table too, a column for each detail.
        table: {
          head: [{ text: 'Decision' }, { text: 'Reasons' }],
          rows: [[{ text: 'Say no from the chest' }, { text: 'Too late' }]],
        },
      },
    ]);
    // A list of several reads one item to a line, never run together.
    const several = detailRows(
      {
        title: 'Bikes',
        reasons: [
          { event: 'DECLINE', reason: 'Too late' },
          { event: 'DECLINE', reason: 'Again too late' },
        ],
      },
      communityChest,
    );
    expect(several).toEqual([
      {
        label: 'Reasons given',
        value:
          'Decision: Say no from the chest; Reasons: Too late | Decision: Say no from the chest; Reasons: Again too late',
        lines: [
          'Decision: Say no from the chest; Reasons: Too late',
          'Decision: Say no from the chest; Reasons: Again too late',
        ],
        table: {
          head: [{ text: 'Decision' }, { text: 'Reasons' }],
          rows: [
            [{ text: 'Say no from the chest' }, { text: 'Too late' }],
            [{ text: 'Say no from the chest' }, { text: 'Again too late' }],
          ],
        },
      },
    ]);
    const round = detailRows({ intentions: { summary: 'Fund more advocates' } }, commissioningRound);
    expect(round).toContainEqual({ label: 'Commissioning intentions', value: 'Fund more advocates' });
  });

  it('reads numbers by criterion in the criteria’s order, whatever order they were given in', () => {
    const schema = { type: 'object', widget: 'scores', additionalProperties: { type: 'integer' } };
    const reading = {
      criterion: (id: string) => ({ need: 'Evidence of need', value: 'Value for money' })[id],
      criteriaOrder: ['need', 'value'],
    };
    expect(describeValue(schema, { value: 2, need: 4 }, reading)).toBe(
      'Evidence of need: 4; Value for money: 2',
    );
  });

  it('keeps the heading of the one detail given of several: which partner has decided', () => {
    const agreed = { agrees: true, note: null };
    const partnerDecisions = { opcc: agreed, nhsEngland: null, countyCouncil: null, cityCouncil: null };
    const rows = detailRows({ partnerDecisions, scores: [], tenders: [] }, sarcRecommissioning);
    expect(rows).toContainEqual({
      label: 'Joint commissioning board',
      value: 'Office of the Police and Crime Commissioner: Agrees with the preferred bidder: Yes',
    });
  });
});

describe('a list inside a record inside a list', () => {
  it('is read in full, not counted', () => {
    const schema = {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          summary: { type: 'string', title: 'Summary' },
          queries: { type: 'array', title: 'Queries', items: { type: 'string' } },
        },
      },
    };
    const text = describeValue(schema, [
      { summary: 'Late', queries: ['Where is page 2?', 'Who signed it?'] },
    ]);
    expect(text).toBe('Summary: Late; Queries: Where is page 2?, Who signed it?');
    expect(text).not.toMatch(/\d+ entr(y|ies)/);
  });
});
