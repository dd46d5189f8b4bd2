// Youth Fund: small grants (up to £5,000 by default) for youth projects. Bid, eligibility check,
// panel decision, offer, payment, end-of-grant report. Pure: the engine interprets the named
// `notify` actions and the `offerLapsesAfter` timer.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  atMost,
  defineMachine,
  type FieldProblem,
  guardFrom,
  isoDate,
  pence,
  positivePence,
  reason,
  shortText,
} from './define.ts';

/** £5,000 in pence; the machine input's `capPence` overrides it (a programme will supply it). */
export const YOUTH_FUND_DEFAULT_CAP_PENCE = 500_000;
/** An offer not accepted within 28 days lapses. */
export const OFFER_LAPSES_AFTER_MS = 28 * 24 * 60 * 60 * 1000;

export type Recipient = 'owner' | 'officer' | 'panel' | 'finance';
export type YouthFundMessage =
  | 'bidReceived'
  | 'eligibilityDecided'
  | 'panelDecided'
  | 'offerMade'
  | 'offerLapsed'
  | 'paymentRecorded'
  | 'reportQueried';
export interface NotifyParams {
  message: YouthFundMessage;
  to: readonly Recipient[];
}

export interface YouthFundPayment {
  amountPence: number;
  paidOn: string;
  reference: string;
}
export interface YouthFundReport {
  summary: string;
  spentPence: number;
  outcomes: string;
}
/** A reason given for ending the case, with the event that carried it. */
export interface YouthFundReason {
  event: 'REJECT_INELIGIBLE' | 'DECLINE' | 'DECLINE_OFFER' | 'WITHDRAW';
  reason: string;
}
export interface YouthFundContext {
  capPence: number;
  title: string | null;
  summary: string | null;
  amountRequestedPence: number | null;
  awardedPence: number | null;
  reasons: YouthFundReason[];
  payment: YouthFundPayment | null;
  report: YouthFundReport | null;
  /** Reasons the officer gave each time they queried a report, oldest first. */
  queries: string[];
}

/** What the engine passes as the machine's input: the client's creation input plus engine-supplied settings. */
export interface YouthFundInput {
  title?: string;
  capPence?: number;
}

// Client creation input: capPence is deliberately not here; the engine supplies it.
const creationInput = z.strictObject({ title: shortText(200).optional() });

const submitPayload = z.strictObject({
  title: shortText(200),
  summary: shortText(5000),
  amountRequestedPence: positivePence,
});
const emptyPayload = z.strictObject({});
const reasonPayload = z.strictObject({ reason });
const optionalReasonPayload = z.strictObject({ reason: reason.optional() });
const approvePayload = z.strictObject({ amountPence: positivePence });
const paymentPayload = z.strictObject({
  amountPence: positivePence,
  paidOn: isoDate,
  reference: shortText(100),
});
const reportPayload = z.strictObject({
  summary: shortText(5000),
  spentPence: pence,
  outcomes: shortText(5000),
});

type SubmitPayload = z.output<typeof submitPayload>;
type ReasonPayload = z.output<typeof reasonPayload>;
type OptionalReasonPayload = z.output<typeof optionalReasonPayload>;
type ApprovePayload = z.output<typeof approvePayload>;
type PaymentPayload = z.output<typeof paymentPayload>;
type ReportPayload = z.output<typeof reportPayload>;

export type YouthFundEvent =
  | ({ type: 'SUBMIT' } & SubmitPayload)
  | { type: 'CONFIRM_ELIGIBLE' }
  | ({ type: 'REJECT_INELIGIBLE' } & ReasonPayload)
  | ({ type: 'APPROVE' } & ApprovePayload)
  | ({ type: 'DECLINE' } & ReasonPayload)
  | { type: 'ACCEPT_OFFER' }
  | ({ type: 'DECLINE_OFFER' } & OptionalReasonPayload)
  | ({ type: 'RECORD_PAYMENT' } & PaymentPayload)
  | ({ type: 'SUBMIT_REPORT' } & ReportPayload)
  | { type: 'ACCEPT_REPORT' }
  | ({ type: 'QUERY_REPORT' } & ReasonPayload)
  | ({ type: 'WITHDRAW' } & OptionalReasonPayload);

export const checkSubmit = (context: YouthFundContext, payload: SubmitPayload): FieldProblem[] =>
  atMost(
    'amountRequestedPence',
    payload.amountRequestedPence,
    context.capPence,
    (cap) => `The most you can ask for is ${cap}`,
  );

export const checkApprove = (context: YouthFundContext, payload: ApprovePayload): FieldProblem[] =>
  atMost(
    'amountPence',
    payload.amountPence,
    context.amountRequestedPence ?? 0,
    (requested) => `The award cannot be more than the ${requested} requested`,
  );

export const checkPayment = (context: YouthFundContext, payload: PaymentPayload): FieldProblem[] =>
  atMost(
    'amountPence',
    payload.amountPence,
    context.awardedPence ?? 0,
    (awarded) => `The payment cannot be more than the ${awarded} awarded`,
  );

export const checkReport = (context: YouthFundContext, payload: ReportPayload): FieldProblem[] =>
  atMost(
    'spentPence',
    payload.spentPence,
    context.payment?.amountPence ?? 0,
    (paid) => `Spend cannot be more than was paid (${paid})`,
  );

const notify = (message: YouthFundMessage, ...to: Recipient[]) =>
  ({ type: 'notify', params: { message, to } }) as const;

const machine = setup({
  types: {
    context: {} as YouthFundContext,
    events: {} as YouthFundEvent,
    input: {} as YouthFundInput,
  },
  actions: {
    /** Tell people something; the engine turns it into email. */
    notify: (_args, _params: NotifyParams) => {},
    recordBid: assign(({ event }) => {
      if (event.type !== 'SUBMIT') return {};
      return {
        title: event.title,
        summary: event.summary,
        amountRequestedPence: event.amountRequestedPence,
      };
    }),
    recordReason: assign(({ context, event }) => {
      if (
        (event.type === 'REJECT_INELIGIBLE' ||
          event.type === 'DECLINE' ||
          event.type === 'DECLINE_OFFER' ||
          event.type === 'WITHDRAW') &&
        event.reason !== undefined
      ) {
        return { reasons: [...context.reasons, { event: event.type, reason: event.reason }] };
      }
      return {};
    }),
    recordAward: assign(({ event }) => (event.type === 'APPROVE' ? { awardedPence: event.amountPence } : {})),
    recordPayment: assign(({ event }) =>
      event.type === 'RECORD_PAYMENT'
        ? { payment: { amountPence: event.amountPence, paidOn: event.paidOn, reference: event.reference } }
        : {},
    ),
    recordReport: assign(({ event }) =>
      event.type === 'SUBMIT_REPORT'
        ? { report: { summary: event.summary, spentPence: event.spentPence, outcomes: event.outcomes } }
        : {},
    ),
    recordQuery: assign(({ context, event }) =>
      event.type === 'QUERY_REPORT' ? { queries: [...context.queries, event.reason] } : {},
    ),
  },
  guards: {
    withinCap: guardFrom(checkSubmit),
    withinRequest: guardFrom(checkApprove),
    withinAward: guardFrom(checkPayment),
    withinPayment: guardFrom(checkReport),
  },
  delays: {
    offerLapsesAfter: OFFER_LAPSES_AFTER_MS,
  },
}).createMachine({
  id: 'youth-fund',
  initial: 'draft',
  context: ({ input }) => ({
    capPence: input?.capPence ?? YOUTH_FUND_DEFAULT_CAP_PENCE,
    title: input?.title ?? null,
    summary: null,
    amountRequestedPence: null,
    awardedPence: null,
    reasons: [],
    payment: null,
    report: null,
    queries: [],
  }),
  states: {
    draft: {
      on: {
        SUBMIT: {
          guard: 'withinCap',
          target: 'submitted',
          actions: ['recordBid', notify('bidReceived', 'owner')],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
      },
    },
    submitted: {
      on: {
        CONFIRM_ELIGIBLE: { target: 'panelReview', actions: notify('eligibilityDecided', 'owner') },
        REJECT_INELIGIBLE: {
          target: 'ineligible',
          actions: ['recordReason', notify('eligibilityDecided', 'owner')],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
      },
    },
    panelReview: {
      on: {
        APPROVE: {
          guard: 'withinRequest',
          target: 'offered',
          actions: ['recordAward', notify('panelDecided', 'owner')],
        },
        DECLINE: { target: 'declined', actions: ['recordReason', notify('panelDecided', 'owner')] },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
      },
    },
    offered: {
      entry: notify('offerMade', 'owner'),
      on: {
        ACCEPT_OFFER: { target: 'accepted' },
        DECLINE_OFFER: { target: 'offerDeclined', actions: 'recordReason' },
      },
      after: {
        offerLapsesAfter: { target: 'lapsed', actions: notify('offerLapsed', 'owner', 'officer') },
      },
    },
    accepted: {
      on: {
        RECORD_PAYMENT: {
          guard: 'withinAward',
          target: 'reporting',
          actions: ['recordPayment', notify('paymentRecorded', 'owner')],
        },
      },
    },
    reporting: {
      on: {
        SUBMIT_REPORT: { guard: 'withinPayment', target: 'reportSubmitted', actions: 'recordReport' },
      },
    },
    reportSubmitted: {
      on: {
        ACCEPT_REPORT: { target: 'closed' },
        QUERY_REPORT: { target: 'reporting', actions: ['recordQuery', notify('reportQueried', 'owner')] },
      },
    },
    ineligible: { type: 'final' },
    declined: { type: 'final' },
    offerDeclined: { type: 'final' },
    lapsed: { type: 'final' },
    closed: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

export const youthFund = defineMachine({
  id: 'youth-fund',
  version: 1,
  title: 'Youth Fund grant',
  description:
    'A small grant for a youth project: the bid is checked for eligibility, decided by the panel, offered, paid and reported on.',
  machine,
  input: creationInput,
  createdBy: ['owner', 'officer'],
  states: {
    draft: { label: 'Draft bid' },
    submitted: { label: 'Bid submitted, awaiting eligibility check' },
    panelReview: { label: 'With the panel' },
    offered: { label: 'Grant offered' },
    accepted: { label: 'Offer accepted, awaiting payment' },
    reporting: { label: 'Paid, awaiting end-of-grant report' },
    reportSubmitted: { label: 'Report submitted' },
    ineligible: { label: 'Not eligible' },
    declined: { label: 'Declined by the panel' },
    offerDeclined: { label: 'Offer declined' },
    lapsed: { label: 'Offer lapsed' },
    closed: { label: 'Closed' },
    withdrawn: { label: 'Withdrawn' },
  },
  events: {
    SUBMIT: { label: 'Submit the bid', payload: submitPayload, sentBy: ['owner'], check: checkSubmit },
    CONFIRM_ELIGIBLE: { label: 'Confirm the bid is eligible', payload: emptyPayload, sentBy: ['officer'] },
    REJECT_INELIGIBLE: {
      label: 'Reject the bid as not eligible',
      payload: reasonPayload,
      sentBy: ['officer'],
    },
    APPROVE: { label: 'Approve a grant', payload: approvePayload, sentBy: ['panel'], check: checkApprove },
    DECLINE: { label: 'Decline the bid', payload: reasonPayload, sentBy: ['panel'] },
    ACCEPT_OFFER: { label: 'Accept the offer', payload: emptyPayload, sentBy: ['owner'] },
    DECLINE_OFFER: { label: 'Decline the offer', payload: optionalReasonPayload, sentBy: ['owner'] },
    RECORD_PAYMENT: {
      label: 'Record the payment',
      payload: paymentPayload,
      sentBy: ['finance'],
      check: checkPayment,
    },
    SUBMIT_REPORT: {
      label: 'Submit the end-of-grant report',
      payload: reportPayload,
      sentBy: ['owner'],
      check: checkReport,
    },
    ACCEPT_REPORT: { label: 'Accept the report', payload: emptyPayload, sentBy: ['officer'] },
    QUERY_REPORT: { label: 'Query the report', payload: reasonPayload, sentBy: ['officer'] },
    WITHDRAW: { label: 'Withdraw the bid', payload: optionalReasonPayload, sentBy: ['owner'] },
  },
});
