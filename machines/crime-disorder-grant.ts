// Crime and disorder reduction grant: the Commissioner's yearly allocation to one Community Safety
// Partnership (Cambridge City, East Cambridgeshire, Fenland, Huntingdonshire, South Cambridgeshire,
// Peterborough), which owns the case. Proposed → allocated (the decision that commits the money, signed
// by the approver above the delegation threshold) → conditions offered and agreed → live (quarterly
// returns are separate monitoring-return cases) → evaluation → closed.
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import {
  atMost,
  commitFunds,
  defineMachine,
  engineActions,
  type FieldProblem,
  financialYear,
  guardFrom,
  moneyActions,
  notify,
  type ProgrammeInput,
  paymentActions,
  pence,
  positivePence,
  programmeId,
  type Recipient,
  reasonPayload,
  recordUnderspend,
  releaseFunds,
  releaseUnpaid,
  schedulePayments,
  shortText,
} from './define.ts';
import { crimeDisorderGrantTemplates } from './mail/crime-disorder-grant.ts';

/** The messages this machine sends; ./mail/crime-disorder-grant.ts has the words of each (the definition's `messages`). */
export const crimeDisorderGrantMessages = [
  'conditionsOffered',
  'conditionsAccepted',
  'grantEvaluated',
] as const;
export type CrimeDisorderGrantMessage = (typeof crimeDisorderGrantMessages)[number];
const tell = (message: CrimeDisorderGrantMessage, ...to: Recipient[]) => notify(message, ...to);

export interface CrimeDisorderGrantContext {
  /** What emails and lists call the case, e.g. 'Crime and disorder reduction grant 2026-27'. */
  title: string;
  allocationPence: number;
  /** '2026-27': April 2026 to March 2027. */
  financialYear: string;
  purpose: string;
  /** The conditions of the grant and the Commissioner's reasons for them, as last offered. */
  conditions: string | null;
  reasons: string | null;
  /** What the partnership queried each time it sent the conditions back, oldest first. */
  queries: string[];
  evaluation: { summary: string; outcomesAchieved: string; underspendPence: number } | null;
  withdrawalReason: string | null;
}

export { financialYear };

// What people read on forms and the case page; the payloads and the context share them.
const allocation = {
  title: 'Amount allocated',
  hint: "The partnership's grant for the whole financial year.",
};
const year = { title: 'Financial year', hint: 'For example, 2026-27 (1 April 2026 to 31 March 2027).' };
const purpose = {
  title: 'What the grant is for',
  hint: 'The crime and disorder reduction work the grant pays for. It is published.',
  widget: 'textarea',
} as const;
const conditions = { title: 'Conditions of the grant', widget: 'textarea' } as const;
const conditionReasons = {
  title: 'Reasons for the conditions',
  hint: 'Published with the conditions.',
  widget: 'textarea',
} as const;
const evaluationSummary = { title: 'Summary of the evaluation', widget: 'textarea' } as const;
const outcomesAchieved = { title: 'Outcomes achieved', widget: 'textarea' } as const;
const underspend = {
  title: 'Underspend',
  hint: 'The part of the allocation not spent, or 0 if it was all spent. It goes back to the fund.',
};

const creationInput = z.strictObject({
  programmeId: programmeId.meta({ title: 'Programme' }),
  allocationPence: positivePence.meta(allocation),
  financialYear: financialYear.meta(year),
  purpose: shortText(2000, 'what the grant is for').meta(purpose),
});
export type CrimeDisorderGrantInput = z.output<typeof creationInput> & ProgrammeInput;

const offerPayload = z.strictObject({
  conditions: shortText(5000, 'the conditions of the grant').meta(conditions),
  reasons: shortText(5000, 'the reasons for the conditions').meta(conditionReasons),
});
const emptyPayload = z.strictObject({});
const queryPayload = reasonPayload('What needs to change in the conditions');
const withdrawPayload = reasonPayload('Why the allocation is withdrawn');
const evaluatePayload = z.strictObject({
  summary: shortText(5000, 'a summary of the evaluation').meta(evaluationSummary),
  outcomesAchieved: shortText(5000, 'the outcomes achieved').meta(outcomesAchieved),
  underspendPence: pence.meta(underspend),
});

/** What each field of the context means to a person, most important first (display only). */
const contextSchema = z.object({
  title: z.string().meta({ title: 'Grant' }),
  allocationPence: pence.meta({ title: 'Amount allocated' }),
  financialYear: z.string().meta({ title: 'Financial year' }),
  purpose: z.string().meta({ title: 'What the grant is for', widget: 'textarea' }),
  conditions: z.string().nullable().meta(conditions),
  reasons: z.string().nullable().meta({ title: 'Reasons for the conditions', widget: 'textarea' }),
  queries: z
    .array(z.string().meta({ title: 'Query', widget: 'textarea' }))
    .meta({ title: "The partnership's queries about the conditions" }),
  evaluation: z
    .object({
      summary: z.string().meta(evaluationSummary),
      outcomesAchieved: z.string().meta(outcomesAchieved),
      underspendPence: pence.meta({ title: 'Underspend' }),
    })
    .nullable()
    .meta({ title: 'Evaluation' }),
  withdrawalReason: z
    .string()
    .nullable()
    .meta({ title: 'Why the allocation was withdrawn', widget: 'textarea' }),
});

type OfferPayload = z.output<typeof offerPayload>;
type ReasonPayload = { reason: string };
type EvaluatePayload = z.output<typeof evaluatePayload>;
export type CrimeDisorderGrantEvent =
  | { type: 'ALLOCATE' }
  | ({ type: 'OFFER_CONDITIONS' } & OfferPayload)
  | { type: 'ACCEPT_CONDITIONS' }
  | ({ type: 'QUERY_CONDITIONS' } & ReasonPayload)
  | ({ type: 'EVALUATE' } & EvaluatePayload)
  | { type: 'CLOSE' }
  | ({ type: 'WITHDRAW_ALLOCATION' } & ReasonPayload);

export const checkEvaluate = (context: CrimeDisorderGrantContext, payload: EvaluatePayload): FieldProblem[] =>
  atMost(
    'underspendPence',
    payload.underspendPence,
    context.allocationPence,
    (allocation) => `The underspend cannot be more than the ${allocation} allocated`,
  );

/** What the Commissioner must publish about the grant; the recipient is the case's owning partnership. */
/**
 * The state a grant is in once it has been made: the partnership accepted its conditions. The
 * publication of grants made in a month counts each from the day it first entered it.
 */
export const GRANT_MADE_STATE = 'live';

export function publicationRecord(context: CrimeDisorderGrantContext) {
  return {
    amountPence: context.allocationPence,
    purpose: context.purpose,
    conditions: context.conditions,
    reasons: context.reasons,
    financialYear: context.financialYear,
  };
}

const releaseAll = releaseFunds<CrimeDisorderGrantContext>((c) => c.allocationPence);

/** The grant's financial year, 1 April to 31 March: the period it pays for. */
function grantYear(c: CrimeDisorderGrantContext) {
  const first = Number(c.financialYear.slice(0, 4));
  return { startsOn: `${first}-04-01`, endsOn: `${first + 1}-03-31` };
}

/** The allocation is paid quarterly in advance over its financial year. */
const yearlyPayments = schedulePayments<CrimeDisorderGrantContext>((c) => ({
  profile: 'quarterlyInAdvance',
  instalments: null,
  remainderIn: 'last',
  ...grantYear(c),
}));

const machine = setup({
  types: {
    context: {} as CrimeDisorderGrantContext,
    events: {} as CrimeDisorderGrantEvent,
    input: {} as CrimeDisorderGrantInput,
  },
  actions: {
    ...engineActions,
    ...moneyActions,
    ...paymentActions,
    recordConditions: assign(({ event }) =>
      event.type === 'OFFER_CONDITIONS' ? { conditions: event.conditions, reasons: event.reasons } : {},
    ),
    recordQuery: assign(({ context, event }) =>
      event.type === 'QUERY_CONDITIONS' ? { queries: [...context.queries, event.reason] } : {},
    ),
    recordEvaluation: assign(({ event }) =>
      event.type === 'EVALUATE'
        ? {
            evaluation: {
              summary: event.summary,
              outcomesAchieved: event.outcomesAchieved,
              underspendPence: event.underspendPence,
            },
          }
        : {},
    ),
    recordWithdrawal: assign(({ event }) =>
      event.type === 'WITHDRAW_ALLOCATION' ? { withdrawalReason: event.reason } : {},
    ),
  },
  guards: {
    withinAllocation: guardFrom(checkEvaluate),
    underspent: ({ event }) => event.type === 'EVALUATE' && event.underspendPence > 0,
  },
}).createMachine({
  id: 'crime-disorder-grant',
  initial: 'proposed',
  context: ({ input }) => ({
    title: `Crime and disorder reduction grant ${input.financialYear}`,
    allocationPence: input.allocationPence,
    financialYear: input.financialYear,
    purpose: input.purpose,
    conditions: null,
    reasons: null,
    queries: [],
    evaluation: null,
    withdrawalReason: null,
  }),
  states: {
    proposed: {
      on: {
        // The decision: it commits the allocation (on the transition, not on entering `allocated`,
        // so conditions queried back to `allocated` do not commit it a second time).
        ALLOCATE: {
          target: 'allocated',
          actions: commitFunds<CrimeDisorderGrantContext>((context) => context.allocationPence),
        },
        WITHDRAW_ALLOCATION: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    allocated: {
      on: {
        OFFER_CONDITIONS: {
          target: 'conditionsOffered',
          actions: ['recordConditions', tell('conditionsOffered', 'owner')],
        },
        WITHDRAW_ALLOCATION: { target: 'withdrawn', actions: ['recordWithdrawal', releaseAll] },
      },
    },
    conditionsOffered: {
      on: {
        ACCEPT_CONDITIONS: {
          target: 'live',
          actions: [yearlyPayments, tell('conditionsAccepted', 'officer')],
        },
        QUERY_CONDITIONS: { target: 'allocated', actions: 'recordQuery' },
        WITHDRAW_ALLOCATION: { target: 'withdrawn', actions: ['recordWithdrawal', releaseAll] },
      },
    },
    live: {
      on: {
        EVALUATE: [
          {
            guard: and(['withinAllocation', 'underspent']),
            target: 'evaluated',
            actions: [
              'recordEvaluation',
              recordUnderspend<CrimeDisorderGrantContext>((c) => c.evaluation?.underspendPence ?? 0),
              tell('grantEvaluated', 'owner'),
            ],
          },
          {
            guard: 'withinAllocation',
            target: 'evaluated',
            actions: ['recordEvaluation', tell('grantEvaluated', 'owner')],
          },
        ],
      },
    },
    // Closing ends the grant: what was never paid goes back to the fund.
    evaluated: { on: { CLOSE: { target: 'closed', actions: releaseUnpaid } } },
    withdrawn: { type: 'final' },
    closed: { type: 'final' },
  },
});

const officer = ['officer'] as const;
const owner = ['owner'] as const;
export const crimeDisorderGrant = defineMachine({
  id: 'crime-disorder-grant',
  // 2: accepted conditions build a payment schedule; an evaluated underspend re-profiles it.
  // 3: opening a case proposes the allocation; ALLOCATE decides it (and commits the money), so the
  //    rulebook can hold it for the approver. Cases already allocated keep their state.
  version: 3,
  upgradeFrom: { version: 2 },
  referencePrefix: 'CDR',
  ownerKinds: ['communitySafetyPartnership'],
  takesReturns: true,
  // The year's allocations are made together: to every partnership, with their conditions, on one page.
  openedTogether: {
    title: 'Allocate to the partnerships',
    askedOnce: ['financialYear'],
    sends: ['ALLOCATE', 'OFFER_CONDITIONS'],
  },
  measures: [
    {
      id: 'crimesInArea',
      name: 'Crimes recorded in the area the grant works in',
      unit: 'count',
      target: null,
      breakdowns: ['Rural theft', 'Anti-social behaviour', 'Other crime'],
    },
    {
      id: 'peopleReached',
      name: 'People reached by prevention work',
      unit: 'count',
      target: null,
      breakdowns: [],
    },
    {
      id: 'residentsFeelingSafe',
      name: 'Residents who say they feel safe',
      unit: 'percent',
      target: null,
      breakdowns: [],
      weightedBy: 'peopleReached',
    },
  ],
  awardPeriod: grantYear,
  messages: crimeDisorderGrantTemplates,
  context: contextSchema,
  summary: (context: CrimeDisorderGrantContext) => ({
    title: context.title,
    amountPence: context.allocationPence,
    description: context.purpose,
  }),
  title: 'Crime and disorder reduction grant',
  description:
    "A year's crime and disorder reduction grant to a Community Safety Partnership: allocated, conditions agreed, live with quarterly returns, then evaluated.",
  machine,
  input: creationInput,
  createdBy: officer,
  states: {
    proposed: { label: 'Allocation proposed, to be decided' },
    allocated: { label: 'Allocated, conditions to be offered' },
    conditionsOffered: { label: 'Conditions offered to the partnership' },
    live: { label: 'Grant live' },
    evaluated: { label: 'Evaluated' },
    withdrawn: { label: 'Allocation withdrawn' },
    closed: { label: 'Closed' },
  },
  events: {
    ALLOCATE: {
      label: 'Allocate the grant',
      payload: emptyPayload,
      sentBy: officer,
      decision: { amountPence: (c: CrimeDisorderGrantContext) => c.allocationPence },
    },
    OFFER_CONDITIONS: { label: 'Offer the grant conditions', payload: offerPayload, sentBy: officer },
    // Accepting binds the partnership; querying is part of agreeing them, so for the same people.
    ACCEPT_CONDITIONS: {
      label: 'Accept the conditions',
      payload: emptyPayload,
      sentBy: owner,
      ownerPermission: 'acceptOffers',
      letter: {
        title: 'Conditions of a crime and disorder reduction grant',
        opening: () =>
          'The Police and Crime Commissioner makes your partnership a crime and disorder reduction grant for the financial year below, for the purpose below, on these conditions.',
        terms: ['title', 'purpose', 'allocationPence', 'financialYear', 'conditions', 'reasons'],
        closing: () =>
          'Once you accept, the grant is paid in four payments, each at the start of a quarter of the financial year. After the year, you report how the grant was spent and what it achieved, and any part not spent. If a condition needs to change, query the conditions instead of accepting them.',
        schedule: true,
      },
    },
    QUERY_CONDITIONS: {
      label: 'Query the conditions',
      payload: queryPayload,
      sentBy: owner,
      ownerPermission: 'acceptOffers',
    },
    EVALUATE: {
      label: 'Record the evaluation',
      payload: evaluatePayload,
      sentBy: officer,
      check: checkEvaluate,
    },
    CLOSE: { label: 'Close the grant', payload: emptyPayload, sentBy: officer },
    WITHDRAW_ALLOCATION: {
      label: 'Withdraw the allocation',
      payload: withdrawPayload,
      sentBy: officer,
      irreversible: true,
    },
  },
});
