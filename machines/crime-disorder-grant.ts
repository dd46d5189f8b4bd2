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
  reason,
  recordUnderspend,
  releaseFunds,
  releaseUnpaid,
  schedulePayments,
  shortText,
} from './define.ts';

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

const creationInput = z.strictObject({
  programmeId,
  allocationPence: positivePence,
  financialYear,
  purpose: shortText(2000),
});
export type CrimeDisorderGrantInput = z.output<typeof creationInput> & ProgrammeInput;

const offerPayload = z.strictObject({ conditions: shortText(5000), reasons: shortText(5000) });
const emptyPayload = z.strictObject({});
const reasonPayload = z.strictObject({ reason });
const evaluatePayload = z.strictObject({
  summary: shortText(5000),
  outcomesAchieved: shortText(5000),
  underspendPence: pence,
});

type OfferPayload = z.output<typeof offerPayload>;
type ReasonPayload = z.output<typeof reasonPayload>;
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

/** The allocation is paid quarterly in advance over its financial year (1 April to 31 March). */
const yearlyPayments = schedulePayments<CrimeDisorderGrantContext>((c) => {
  const first = Number(c.financialYear.slice(0, 4));
  return {
    profile: 'quarterlyInAdvance',
    instalments: null,
    remainderIn: 'last',
    startsOn: `${first}-04-01`,
    endsOn: `${first + 1}-03-31`,
  };
});

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
  messages: crimeDisorderGrantMessages,
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
    ACCEPT_CONDITIONS: { label: 'Accept the conditions', payload: emptyPayload, sentBy: owner },
    QUERY_CONDITIONS: { label: 'Query the conditions', payload: reasonPayload, sentBy: owner },
    EVALUATE: {
      label: 'Record the evaluation',
      payload: evaluatePayload,
      sentBy: officer,
      check: checkEvaluate,
    },
    CLOSE: { label: 'Close the grant', payload: emptyPayload, sentBy: officer },
    WITHDRAW_ALLOCATION: {
      label: 'Withdraw the allocation',
      payload: reasonPayload,
      sentBy: officer,
      irreversible: true,
    },
  },
});
