// One payment of an award's schedule. The domain opens payments when an agreement is signed and
// moves them when the award changes (a variation re-profiles the unpaid ones) or when a return for
// the award is overdue or queried (held) and then accepted (released). Finance approves — never the
// person who scheduled or varied the payment — and records it paid with the finance system's
// reference; a paid payment the provider gives money back on is `returned` (clawback).
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { dayInWords, isIsoDate } from './calendar.ts';
import {
  atMost,
  defineMachine,
  engineActions,
  type FieldProblem,
  isoDate,
  notify,
  paidOn,
  paymentReference,
  pence,
  positivePence,
  type Recipient,
  reason,
  reasonPayload,
  shortText,
} from './define.ts';
import { paymentTemplates } from './mail/payment.ts';

/** The messages this machine sends; ./mail/payment.ts has the words of each (the definition's `messages`). */
export const paymentMessages = ['paymentApproved', 'paymentMade'] as const;
export type PaymentMessage = (typeof paymentMessages)[number];
const tell = (message: PaymentMessage, ...to: Recipient[]) => notify(message, ...to);

export interface PaymentContext {
  awardCaseId: string;
  /** Its place in the award's schedule, from 1. */
  instalment: number;
  dueOn: string;
  amountPence: number;
  /** Who made the schedule (signed the agreement); may not approve it. */
  scheduledBy: string | null;
  /** Everyone who has varied or rescheduled it since; none of them may approve it either. */
  variedBy: string[];
  approvedBy: string | null;
  paid: { paidOn: string; reference: string } | null;
  returned: { amountPence: number; receivedOn: string; reference: string; reason: string } | null;
  cancelReason: string | null;
}

// What people read on forms, the history and the case page; the payloads and the context share them.
const instalment = { title: 'Payment number', hint: "Its place in the award's payment schedule, from 1." };
const dueOn = { title: 'Due on' };
const amount = { title: 'Amount' };
const returnedAmount = { title: 'Amount returned', hint: 'No more than was paid.' };
const receivedOn = { title: 'Received on', hint: "The date the money reached the Commissioner's account." };
const receivedReference = {
  title: 'Reference for the money received',
  hint: "The finance system's reference for the money coming back.",
};
const returnReason = { title: 'Why the money was returned' };

const creationInput = z.strictObject({
  awardCaseId: z.uuid({ error: 'Enter the id of the award case' }).meta({ title: 'Award', widget: 'hidden' }),
  instalment: z.number().int().min(1).max(1000).meta(instalment),
  dueOn: isoDate.meta(dueOn),
  amountPence: positivePence.meta(amount),
  scheduledBy: z.uuid().nullable().meta({ title: 'Scheduled by', widget: 'hidden' }),
});

const emptyPayload = z.strictObject({});
const varyPayload = z.strictObject({
  amountPence: positivePence.meta(amount),
  dueOn: isoDate.meta(dueOn),
  variedBy: z.uuid().nullable().meta({ title: 'Varied by', widget: 'hidden' }),
});
const reschedulePayload = z.strictObject({
  dueOn: isoDate.meta({ title: 'New due date', hint: 'The date the payment is now to be made.' }),
  reason: reason.meta({ title: 'Why the payment date is moving' }),
});
const paidPayload = z.strictObject({
  paidOn: isoDate.meta(paidOn),
  reference: shortText(100).meta(paymentReference),
});
const returnPayload = z.strictObject({
  amountPence: positivePence.meta(returnedAmount),
  receivedOn: isoDate.meta(receivedOn),
  reference: shortText(100).meta(receivedReference),
  reason: reason.meta(returnReason),
});
const cancelPayload = reasonPayload('Why the payment is cancelled');

/** What each field of the context means to a person, most important first (display only). */
const contextSchema = z.object({
  amountPence: pence.meta(amount),
  dueOn: isoDate.meta(dueOn),
  instalment: z.number().meta(instalment),
  paid: z
    .object({ paidOn: isoDate.meta(paidOn), reference: z.string().meta({ title: 'Payment reference' }) })
    .nullable()
    .meta({ title: 'Payment made' }),
  returned: z
    .object({
      amountPence: pence.meta({ title: 'Amount returned' }),
      receivedOn: isoDate.meta(receivedOn),
      reference: z.string().meta({ title: 'Reference for the money received' }),
      reason: z.string().meta({ ...returnReason, widget: 'textarea' }),
    })
    .nullable()
    .meta({ title: 'Money returned' }),
  cancelReason: z.string().nullable().meta({ title: 'Why the payment was cancelled', widget: 'textarea' }),
  awardCaseId: z.string().meta({ title: 'Award', widget: 'hidden' }),
  scheduledBy: z.string().nullable().meta({ title: 'Scheduled by', widget: 'hidden' }),
  variedBy: z.array(z.string().meta({ title: 'Varied by' })).meta({ title: 'Varied by', widget: 'hidden' }),
  approvedBy: z.string().nullable().meta({ title: 'Approved by', widget: 'hidden' }),
});

/** The payment in a line: its place in the schedule and when it is due. */
function paymentSummary(context: PaymentContext) {
  const due = isIsoDate(context.dueOn) ? `, due ${dayInWords(context.dueOn)}` : '';
  return { title: `Payment ${context.instalment}${due}`, amountPence: context.amountPence };
}

type Payload<T extends z.ZodObject> = z.output<T>;
type WithActor = { actorId?: string | null };
export type PaymentEvent = WithActor &
  (
    | { type: 'HOLD' | 'RELEASE' | 'SUPERSEDE' | 'APPROVE' }
    | ({ type: 'VARY' } & Payload<typeof varyPayload>)
    | ({ type: 'RESCHEDULE' } & Payload<typeof reschedulePayload>)
    | ({ type: 'MARK_PAID' } & Payload<typeof paidPayload>)
    | ({ type: 'RECORD_RETURN' } & Payload<typeof returnPayload>)
    | ({ type: 'CANCEL' } & Payload<typeof cancelPayload>)
  );

/** Separation of duties: whoever scheduled or varied a payment does not approve it. */
export function refusesApproval(context: PaymentContext, actorId: string | null): string | null {
  if (actorId !== null && actorId === context.scheduledBy)
    return 'You scheduled this payment, so another member of finance must approve it.';
  if (actorId !== null && context.variedBy.includes(actorId))
    return 'You varied this payment, so another member of finance must approve it.';
  return null;
}

export const checkReturn = (context: PaymentContext, p: Payload<typeof returnPayload>): FieldProblem[] => [
  ...atMost(
    'amountPence',
    p.amountPence,
    context.amountPence,
    (paid) => `No more than the ${paid} paid can come back`,
  ),
  ...(context.paid && p.receivedOn < context.paid.paidOn
    ? [{ field: 'receivedOn', message: `Money cannot come back before it was paid (${context.paid.paidOn})` }]
    : []),
];

/** Effects the domain carries out: the ledger rows for money paid, returned, or no longer to be paid. */
const paymentMade = { type: 'paymentMade' as const, params: {} };
const paymentReturned = { type: 'paymentReturned' as const, params: {} };
const paymentCancelled = { type: 'paymentCancelled' as const, params: {} };

const machine = setup({
  types: {
    context: {} as PaymentContext,
    events: {} as PaymentEvent,
    input: {} as z.output<typeof creationInput>,
  },
  actions: {
    ...engineActions,
    paymentMade: () => {},
    paymentReturned: () => {},
    paymentCancelled: () => {},
    vary: assign(({ context, event }) => {
      if (event.type === 'VARY') {
        const variedBy = event.variedBy && !context.variedBy.includes(event.variedBy) ? [event.variedBy] : [];
        return {
          amountPence: event.amountPence,
          dueOn: event.dueOn,
          variedBy: [...context.variedBy, ...variedBy],
          approvedBy: null,
        };
      }
      if (event.type === 'RESCHEDULE') {
        const by = event.actorId ?? null;
        const variedBy = by && !context.variedBy.includes(by) ? [by] : [];
        return { dueOn: event.dueOn, variedBy: [...context.variedBy, ...variedBy], approvedBy: null };
      }
      return {};
    }),
    approve: assign(({ event }) => ({ approvedBy: event.actorId ?? null })),
    clearApproval: assign({ approvedBy: null }),
    recordPaid: assign(({ event }) =>
      event.type === 'MARK_PAID' ? { paid: { paidOn: event.paidOn, reference: event.reference } } : {},
    ),
    recordReturn: assign(({ event }) =>
      event.type === 'RECORD_RETURN'
        ? {
            returned: {
              amountPence: event.amountPence,
              receivedOn: event.receivedOn,
              reference: event.reference,
              reason: event.reason,
            },
          }
        : {},
    ),
    recordCancel: assign(({ event }) => (event.type === 'CANCEL' ? { cancelReason: event.reason } : {})),
  },
  guards: {
    mayApprove: ({ context, event }) => refusesApproval(context, event.actorId ?? null) === null,
    changesAmountOrDate: ({ context, event }) =>
      event.type === 'VARY' && (event.amountPence !== context.amountPence || event.dueOn !== context.dueOn),
    returnValid: ({ context, event }) =>
      event.type === 'RECORD_RETURN' && checkReturn(context, event).length === 0,
  },
}).createMachine({
  id: 'award-payment',
  initial: 'scheduled',
  context: ({ input }) => ({
    awardCaseId: input.awardCaseId,
    instalment: input.instalment,
    dueOn: input.dueOn,
    amountPence: input.amountPence,
    scheduledBy: input.scheduledBy,
    variedBy: [],
    approvedBy: null,
    paid: null,
    returned: null,
    cancelReason: null,
  }),
  states: {
    scheduled: {
      on: {
        HOLD: 'held',
        APPROVE: {
          guard: 'mayApprove',
          target: 'approved',
          actions: ['approve', tell('paymentApproved', 'finance')],
        },
        VARY: { guard: 'changesAmountOrDate', actions: 'vary' },
        RESCHEDULE: { actions: 'vary' },
        SUPERSEDE: 'cancelled',
        CANCEL: { target: 'cancelled', actions: ['recordCancel', paymentCancelled] },
      },
    },
    held: {
      on: {
        RELEASE: 'scheduled',
        VARY: { guard: 'changesAmountOrDate', actions: 'vary' },
        RESCHEDULE: { actions: 'vary' },
        SUPERSEDE: 'cancelled',
        CANCEL: { target: 'cancelled', actions: ['recordCancel', paymentCancelled] },
      },
    },
    approved: {
      on: {
        // Held after approval: it must be approved again once released.
        HOLD: { target: 'held', actions: 'clearApproval' },
        MARK_PAID: {
          target: 'paid',
          actions: ['recordPaid', paymentMade, tell('paymentMade', 'owner', 'officer')],
        },
        // A changed amount or date needs approving again.
        VARY: { guard: 'changesAmountOrDate', target: 'scheduled', actions: 'vary' },
        RESCHEDULE: { target: 'scheduled', actions: 'vary' },
        SUPERSEDE: 'cancelled',
        CANCEL: { target: 'cancelled', actions: ['recordCancel', paymentCancelled] },
      },
    },
    paid: {
      on: {
        RECORD_RETURN: {
          guard: 'returnValid',
          target: 'returned',
          actions: ['recordReturn', paymentReturned],
        },
      },
    },
    returned: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

const system = ['system'] as const;
const finance = ['finance'] as const;

export const payment = defineMachine({
  id: 'award-payment',
  version: 1,
  referencePrefix: 'PAY',
  // The award's owner: a provider, a partnership, or the Commissioner itself for a contract it procures.
  ownerKinds: ['provider', 'partner', 'communitySafetyPartnership', 'commissioner'],
  messages: paymentTemplates,
  context: contextSchema,
  summary: paymentSummary,
  title: 'Payment',
  description:
    "One payment of an award's schedule: scheduled, held while a return for the award is overdue or queried, approved by finance (never by whoever scheduled or varied it), paid with the finance system's reference, or cancelled; money the provider gives back is recorded as returned.",
  machine,
  input: creationInput,
  // Opened only by the domain, when an agreement is signed or an award is re-profiled.
  createdBy: [],
  states: {
    scheduled: { label: 'Scheduled, awaiting approval' },
    held: { label: 'Held: a monitoring return is overdue or queried' },
    approved: { label: 'Approved, awaiting payment' },
    paid: { label: 'Paid' },
    returned: { label: 'Paid, money returned' },
    cancelled: { label: 'Cancelled' },
  },
  // Who in finance scheduled, varied and approved it: separation of duties, not the provider's business.
  staffOnly: ['scheduledBy', 'variedBy', 'approvedBy'],
  events: {
    HOLD: { label: 'Hold the payment', payload: emptyPayload, sentBy: system },
    RELEASE: { label: 'Release the payment', payload: emptyPayload, sentBy: system },
    VARY: { label: 'Re-profile the payment', payload: varyPayload, sentBy: system, staffOnly: ['variedBy'] },
    SUPERSEDE: {
      label: 'Drop the payment from the re-profiled schedule',
      payload: emptyPayload,
      sentBy: system,
    },
    RESCHEDULE: {
      label: 'Move the payment date',
      payload: reschedulePayload,
      sentBy: finance,
      whenever: true,
    },
    APPROVE: {
      label: 'Approve the payment',
      payload: emptyPayload,
      sentBy: finance,
      refuses: refusesApproval,
    },
    MARK_PAID: { label: 'Record the payment as paid', payload: paidPayload, sentBy: finance },
    RECORD_RETURN: {
      label: 'Record money returned by the provider',
      payload: returnPayload,
      sentBy: finance,
      check: checkReturn,
      whenever: true,
    },
    CANCEL: {
      label: 'Cancel the payment',
      payload: cancelPayload,
      sentBy: ['finance', 'officer'],
      whenever: true,
      irreversible: true,
    },
  },
});
