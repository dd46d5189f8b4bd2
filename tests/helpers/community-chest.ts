// A small cycle that lives only in tests/: a community chest grant (bid, award or decline, close).
// It proves the definition owns its cycle: registered beside the shipped machines with no other file
// changed, it runs through the API, the pages, email and the exports on its own words alone.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  commitFunds,
  defineMachine,
  engineActions,
  moneyActions,
  notify,
  type ProgrammeInput,
  payloadOf,
  paymentActions,
  positivePence,
  programmeId,
  reason,
  releaseUnpaid,
  shortText,
} from '../../machines/define.ts';
import { check, type MessageTemplate } from '../../machines/messages.ts';

export interface CommunityChestContext {
  title: string | null;
  purpose: string | null;
  amountRequestedPence: number | null;
  awardedPence: number | null;
  neighbourhood: 'north' | 'south' | null;
  reasons: { event: string; reason: string }[];
}

const submitPayload = z.strictObject({
  title: shortText(120, 'the name of your project').meta({ title: 'Name of your project' }),
  purpose: shortText(3000, 'what the money is for').meta({
    title: 'What the money is for',
    hint: 'Who it helps and how',
    widget: 'textarea',
  }),
  amountRequestedPence: positivePence.meta({ title: 'How much you are asking for' }),
  neighbourhood: z.enum(['north', 'south']).meta({
    title: 'Where the project runs',
    options: { north: 'North of the river', south: 'South of the river' },
  }),
});
const awardPayload = z.strictObject({ amountPence: positivePence.meta({ title: 'Chest award' }) });
const declinePayload = z.strictObject({ reason: reason.meta({ title: 'Why the chest says no' }) });
const emptyPayload = z.strictObject({});

type Submit = z.output<typeof submitPayload> & { type: 'SUBMIT' };
type Award = z.output<typeof awardPayload> & { type: 'AWARD' };
type Decline = z.output<typeof declinePayload> & { type: 'DECLINE' };
type ChestEvent = Submit | Award | Decline | { type: 'CLOSE' };

const messages = {
  chestBidIn: {
    subject: (d) => `${d.reference}: the community chest has your bid`,
    body: (d) => [`The community chest has your bid "${d.title}".`, check],
  },
  chestAwarded: {
    subject: (d) => `${d.reference}: the community chest has awarded you a grant`,
    body: (d) => [`The community chest has awarded a grant for "${d.title}".`, check],
  },
} satisfies Record<string, MessageTemplate>;

const machine = setup({
  types: {
    context: {} as CommunityChestContext,
    events: {} as ChestEvent,
    input: {} as ProgrammeInput & { title?: string },
  },
  actions: {
    ...engineActions,
    ...moneyActions,
    ...paymentActions,
    recordBid: assign(({ event }) => {
      const { title, purpose, amountRequestedPence, neighbourhood } = payloadOf(event as Submit);
      return { title, purpose, amountRequestedPence, neighbourhood };
    }),
    recordAward: assign(({ event }) => ({ awardedPence: (event as Award).amountPence })),
    recordDecline: assign(({ context, event }) => ({
      reasons: [...context.reasons, { event: 'DECLINE', reason: (event as Decline).reason }],
    })),
  },
}).createMachine({
  id: 'community-chest',
  initial: 'draft',
  context: ({ input }) => ({
    title: input?.title ?? null,
    purpose: null,
    amountRequestedPence: null,
    awardedPence: null,
    neighbourhood: null,
    reasons: [],
  }),
  states: {
    draft: { on: { SUBMIT: { target: 'submitted', actions: ['recordBid', notify('chestBidIn', 'owner')] } } },
    submitted: {
      on: {
        AWARD: {
          target: 'awarded',
          actions: [
            'recordAward',
            commitFunds<CommunityChestContext>((c) => c.awardedPence!),
            notify('chestAwarded', 'owner'),
          ],
        },
        DECLINE: { target: 'declined', actions: 'recordDecline' },
      },
    },
    awarded: { on: { CLOSE: { target: 'closed', actions: releaseUnpaid } } },
    declined: { type: 'final' },
    closed: { type: 'final' },
  },
});

export const communityChest = defineMachine({
  id: 'community-chest',
  version: 1,
  referencePrefix: 'CC',
  title: 'Community chest grant',
  description: 'A small grant from the community chest: bid, award or decline, close.',
  machine,
  input: z.strictObject({
    programmeId: programmeId.meta({ title: 'Programme' }),
    title: shortText(120, 'the name of your project').optional().meta({ title: 'Name of your project' }),
  }),
  createdBy: ['owner', 'officer'],
  ownerKinds: ['provider'],
  messages,
  context: z.object({
    title: z.string().nullable().meta({ title: 'Project' }),
    purpose: z.string().nullable().meta({ title: 'What the money is for', widget: 'textarea' }),
    amountRequestedPence: positivePence.nullable().meta({ title: 'Asked for', widget: 'money' }),
    awardedPence: positivePence.nullable().meta({ title: 'Chest award', widget: 'money' }),
    neighbourhood: z
      .enum(['north', 'south'])
      .nullable()
      .meta({
        title: 'Where it runs',
        options: { north: 'North of the river', south: 'South of the river' },
      }),
    reasons: z
      .array(
        z.object({
          event: z.string().meta({ title: 'Decision', widget: 'event' }),
          reason: z.string().meta({ title: 'Reasons' }),
        }),
      )
      .meta({ title: 'Reasons given' }),
  }),
  summary: (c: CommunityChestContext) => ({
    title: c.title ?? 'Community chest bid (not yet named)',
    amountPence: c.awardedPence ?? c.amountRequestedPence,
    description: c.purpose,
  }),
  events: {
    SUBMIT: {
      label: 'Send the bid to the chest',
      payload: submitPayload,
      sentBy: ['owner'],
      ownerPermission: 'submitBids',
      application: true,
    },
    AWARD: {
      label: 'Award from the chest',
      payload: awardPayload,
      sentBy: ['officer'],
      decision: { amountPence: (_c: CommunityChestContext, p: { amountPence: number }) => p.amountPence },
    },
    DECLINE: {
      label: 'Say no from the chest',
      payload: declinePayload,
      sentBy: ['officer'],
      irreversible: true,
      decision: { amountPence: () => null },
    },
    CLOSE: { label: 'Close the chest grant', payload: emptyPayload, sentBy: ['officer'] },
  },
  states: {
    draft: { label: 'Being written' },
    submitted: { label: 'With the chest' },
    awarded: { label: 'Chest grant awarded' },
    declined: { label: 'Chest said no' },
    closed: { label: 'Chest grant closed' },
  },
});
