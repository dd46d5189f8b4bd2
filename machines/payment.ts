// One payment of an award's schedule. The domain opens payments when an agreement is signed and
// moves them when the award changes (a variation re-profiles the unpaid ones) or when a return for
// the award is overdue or queried (held) and then accepted (released). Finance approves — never the
// person who scheduled or varied the payment — and records it paid with the finance system's
// reference — all of it, or part of it with the rest still due; a paid payment the provider gives
// money back on is `returned` (clawback). A paid date or reference recorded wrongly is corrected with a
// reason: the ledger reverses the payment row and writes it again, and the history keeps both.
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { dayInWords, isIsoDate } from './calendar.ts';
import {
  atMost,
  defineMachine,
  engineActions,
  type FieldProblem,
  formatPounds,
  guardFrom,
  isoDate,
  type Now,
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
export const paymentMessages = ['paymentApproved', 'paymentMade', 'paymentCorrected'] as const;
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
  /** The London day it was last approved: it cannot have been paid before then. */
  approvedOn: string | null;
  /** When the last of it was paid, and with what reference; null until it is paid in full. */
  paid: { paidOn: string; reference: string } | null;
  /** Each amount paid, in order: one for a payment made whole, more when it was paid in parts. */
  parts: PaymentPart[];
  /** Each correction of the paid date or reference: what had been recorded, and why it changed. */
  corrections: PaymentCorrection[];
  returned: { amountPence: number; receivedOn: string; reference: string; reason: string } | null;
  cancelReason: string | null;
}

export interface PaymentPart {
  amountPence: number;
  paidOn: string;
  reference: string;
}

/** What has been paid of it so far. */
export const paidSoFar = (context: Pick<PaymentContext, 'parts'>) =>
  (context.parts ?? []).reduce((sum, part) => sum + part.amountPence, 0);

export interface PaymentCorrection {
  paidOn: string;
  reference: string;
  reason: string;
  correctedOn: string | null;
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

const instalmentError = 'Enter the instalment as a whole number from 1 to 1000';
const creationInput = z.strictObject({
  awardCaseId: z.uuid({ error: 'Enter the id of the award case' }).meta({ title: 'Award', widget: 'hidden' }),
  instalment: z
    .number({ error: instalmentError })
    .int({ error: instalmentError })
    .min(1, { error: instalmentError })
    .max(1000, { error: instalmentError })
    .meta(instalment),
  dueOn: isoDate.meta(dueOn),
  amountPence: positivePence.meta(amount),
  scheduledBy: z
    .uuid({ error: 'Give the person who scheduled the payment by their id' })
    .nullable()
    .meta({ title: 'Scheduled by', widget: 'hidden' }),
});

const emptyPayload = z.strictObject({});
const varyPayload = z.strictObject({
  amountPence: positivePence.meta(amount),
  dueOn: isoDate.meta(dueOn),
  variedBy: z
    .uuid({ error: 'Give the person who varied the payment by their id' })
    .nullable()
    .meta({ title: 'Varied by', widget: 'hidden' }),
});
const reschedulePayload = z.strictObject({
  dueOn: isoDate.meta({ title: 'New due date', hint: 'The date the payment is now to be made.' }),
  reason: reason.meta({ title: 'Why the payment date is moving' }),
});
const paidPayload = z.strictObject({
  paidOn: isoDate.meta(paidOn),
  reference: shortText(100, 'the payment reference').meta(paymentReference),
  amountPence: positivePence.optional().meta({
    title: 'Amount paid',
    hint: 'Leave blank when all that was still to pay was paid. Enter less to record part of it: the rest stays due.',
  }),
});
const returnPayload = z.strictObject({
  amountPence: positivePence.meta(returnedAmount),
  receivedOn: isoDate.meta(receivedOn),
  reference: shortText(100, 'the reference for the money received').meta(receivedReference),
  reason: reason.meta(returnReason),
});
const correctPayload = z.strictObject({
  paidOn: isoDate.meta({ ...paidOn, title: 'Paid on (corrected)' }),
  reference: shortText(100, 'the corrected payment reference').meta({
    ...paymentReference,
    title: 'Payment reference (corrected)',
  }),
  reason: reason.meta({ title: 'Why the payment record is being corrected' }),
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
  parts: z
    .array(
      z.object({
        amountPence: pence.meta({ title: 'Amount paid' }),
        paidOn: isoDate.meta(paidOn),
        reference: z.string().meta({ title: 'Payment reference' }),
      }),
    )
    .meta({ title: 'Paid so far' }),
  corrections: z
    .array(
      z.object({
        paidOn: isoDate.meta({ title: 'Paid on, as first recorded' }),
        reference: z.string().meta({ title: 'Reference, as first recorded' }),
        reason: z.string().meta({ title: 'Why it was corrected', widget: 'textarea' }),
        correctedOn: isoDate.nullable().meta({ title: 'Corrected on' }),
      }),
    )
    .meta({ title: 'Corrections to the payment record' }),
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
  approvedOn: isoDate.nullable().meta({ title: 'Approved on', widget: 'hidden' }),
});

/**
 * The payment in a line: its place in the schedule and when it is due; paid in part, what was paid and
 * what is still to pay, which is then its amount.
 */
function paymentSummary(context: PaymentContext) {
  const due = isIsoDate(context.dueOn) ? `, due ${dayInWords(context.dueOn)}` : '';
  const paid = paidSoFar(context);
  if (paid > 0 && paid < context.amountPence && !context.paid)
    return {
      title: `Payment ${context.instalment}${due}: ${formatPounds(paid)} of ${formatPounds(context.amountPence)} paid`,
      amountPence: context.amountPence - paid,
    };
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
    | ({ type: 'CORRECT_PAYMENT' } & Payload<typeof correctPayload>)
    | ({ type: 'CANCEL' } & Payload<typeof cancelPayload>)
  ) & { today?: string };

/** Separation of duties: whoever scheduled or varied a payment does not approve it. */
export function refusesApproval(context: PaymentContext, actorId: string | null): string | null {
  if (actorId !== null && actorId === context.scheduledBy)
    return 'You scheduled this payment, so another member of finance must approve it.';
  if (actorId !== null && context.variedBy.includes(actorId))
    return 'You varied this payment, so another member of finance must approve it.';
  return null;
}

/** A paid date is a fact: not a day still to come, nor before the payment was approved. */
function paidDateProblems(context: PaymentContext, paidOn: string, now: Now | undefined): FieldProblem[] {
  if (!isIsoDate(paidOn)) return [];
  if (now && paidOn > now.today)
    return [
      {
        field: 'paidOn',
        message: `Enter the day the payment was made: it cannot be after today (${dayInWords(now.today)})`,
      },
    ];
  if (context.approvedOn && paidOn < context.approvedOn)
    return [
      {
        field: 'paidOn',
        message: `The payment was approved on ${dayInWords(context.approvedOn)}, so it cannot have been paid before then`,
      },
    ];
  return [];
}

/** What is still to pay of it. */
const stillToPay = (context: PaymentContext) => context.amountPence - paidSoFar(context);

export const checkPaid = (
  context: PaymentContext,
  p: Payload<typeof paidPayload>,
  now?: Now,
): FieldProblem[] => [
  ...(p.amountPence === undefined
    ? []
    : atMost(
        'amountPence',
        p.amountPence,
        stillToPay(context),
        (left) => `No more than the ${left} still to pay`,
      )),
  // A finance reference names one transaction: the same one recorded twice would pay twice.
  ...recordedAlready(context, p.reference),
  ...paidDateProblems(context, p.paidOn, now),
];

function recordedAlready(context: PaymentContext, reference: string): FieldProblem[] {
  const part = (context.parts ?? []).find((p) => p.reference === reference);
  return part && isIsoDate(part.paidOn)
    ? [
        {
          field: 'reference',
          message: `${reference} is already recorded for this payment (${formatPounds(part.amountPence)} paid on ${dayInWords(part.paidOn)})`,
        },
      ]
    : [];
}

/** A correction changes the date or the reference, to a date that could be the day it was paid. */
export const checkCorrection = (
  context: PaymentContext,
  p: Payload<typeof correctPayload>,
  now?: Now,
): FieldProblem[] => {
  const last = context.parts.at(-1);
  if (last && p.paidOn === last.paidOn && p.reference === last.reference)
    return [
      {
        field: 'paidOn',
        message: 'Change the paid date or the reference: these are what is recorded already',
      },
    ];
  const returnedOn = context.returned?.receivedOn;
  if (returnedOn && isIsoDate(p.paidOn) && p.paidOn > returnedOn)
    return [
      {
        field: 'paidOn',
        message: `Money came back on ${dayInWords(returnedOn)}, so it was paid no later than that`,
      },
    ];
  return paidDateProblems(context, p.paidOn, now);
};

export const checkReturn = (context: PaymentContext, p: Payload<typeof returnPayload>): FieldProblem[] => [
  ...atMost(
    'amountPence',
    p.amountPence,
    paidSoFar(context),
    (paid) => `No more than the ${paid} paid can come back`,
  ),
  ...(context.paid && p.receivedOn < context.paid.paidOn
    ? [
        {
          field: 'receivedOn',
          message: `Enter the day the money came back: not before it was paid, on ${dayInWords(context.paid.paidOn)}`,
        },
      ]
    : []),
];

/** Effects the domain carries out: the ledger rows for money paid, returned, or no longer to be paid. */
const paymentMade = { type: 'paymentMade' as const, params: {} };
const paymentReturned = { type: 'paymentReturned' as const, params: {} };
const paymentCancelled = { type: 'paymentCancelled' as const, params: {} };
const paymentCorrected = { type: 'paymentCorrected' as const, params: {} };
/** A payment moved to another day: its money may belong to another financial year's fund now. */
const paymentRescheduled = { type: 'paymentRescheduled' as const, params: {} };

/** Re-profiled to exactly what was paid of it: paid, for that. */
const settleAtPaid = { guard: 'settlesAtPaid', target: 'paid', actions: ['vary', 'settle'] } as const;
/** Cancelled: what was paid of it stays paid, and only the rest is cancelled. */
const cancel = [
  { guard: 'paidInPart', target: 'paid', actions: ['recordCancel', 'settle', paymentCancelled] },
  { target: 'cancelled', actions: ['recordCancel', paymentCancelled] },
] as const;

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
    paymentCorrected: () => {},
    paymentRescheduled: () => {},
    vary: assign(({ context, event }) => {
      if (event.type === 'VARY') {
        const variedBy = event.variedBy && !context.variedBy.includes(event.variedBy) ? [event.variedBy] : [];
        return {
          amountPence: event.amountPence,
          dueOn: event.dueOn,
          variedBy: [...context.variedBy, ...variedBy],
          approvedBy: null,
          approvedOn: null,
        };
      }
      if (event.type === 'RESCHEDULE') {
        const by = event.actorId ?? null;
        const variedBy = by && !context.variedBy.includes(by) ? [by] : [];
        return {
          dueOn: event.dueOn,
          variedBy: [...context.variedBy, ...variedBy],
          approvedBy: null,
          approvedOn: null,
        };
      }
      return {};
    }),
    approve: assign(({ event }) => ({ approvedBy: event.actorId ?? null, approvedOn: event.today ?? null })),
    clearApproval: assign({ approvedBy: null, approvedOn: null }),
    recordPart: assign(({ context, event }) =>
      event.type === 'MARK_PAID'
        ? {
            parts: [
              ...context.parts,
              {
                amountPence: event.amountPence ?? stillToPay(context),
                paidOn: event.paidOn,
                reference: event.reference,
              },
            ],
          }
        : {},
    ),
    recordPaid: assign(({ event }) =>
      event.type === 'MARK_PAID' ? { paid: { paidOn: event.paidOn, reference: event.reference } } : {},
    ),
    // Paid in part and then ended (re-profiled to what was paid, or the rest cancelled): it is paid,
    // for what was paid.
    settle: assign(({ context }) => {
      const last = context.parts.at(-1);
      return {
        amountPence: paidSoFar(context),
        paid: last ? { paidOn: last.paidOn, reference: last.reference } : context.paid,
      };
    }),
    // A correction is to the last amount paid (and to the payment's record of when it was paid in full).
    recordCorrection: assign(({ context, event }) => {
      const last = context.parts.at(-1);
      if (event.type !== 'CORRECT_PAYMENT' || !last) return {};
      const corrected = { paidOn: event.paidOn, reference: event.reference };
      return {
        corrections: [
          ...context.corrections,
          {
            paidOn: last.paidOn,
            reference: last.reference,
            reason: event.reason,
            correctedOn: event.today ?? null,
          },
        ],
        parts: [...context.parts.slice(0, -1), { ...last, ...corrected }],
        paid: context.paid ? corrected : null,
      };
    }),
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
    // A re-profile never takes it below what has been paid of it.
    changesAmountOrDate: ({ context, event }) =>
      event.type === 'VARY' &&
      event.amountPence >= paidSoFar(context) &&
      (event.amountPence !== context.amountPence || event.dueOn !== context.dueOn),
    settlesAtPaid: ({ context, event }) =>
      event.type === 'VARY' && paidSoFar(context) > 0 && event.amountPence === paidSoFar(context),
    paidInPart: ({ context }) => paidSoFar(context) > 0,
    paysPart: ({ context, event }) =>
      event.type === 'MARK_PAID' &&
      event.amountPence !== undefined &&
      event.amountPence < stillToPay(context) &&
      guardFrom(checkPaid)({ context, event }),
    hasPart: ({ context }) => context.parts.length > 0,
    returnValid: ({ context, event }) =>
      event.type === 'RECORD_RETURN' && checkReturn(context, event).length === 0,
    paidValid: guardFrom(checkPaid),
    correctionValid: guardFrom(checkCorrection),
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
    approvedOn: null,
    paid: null,
    parts: [],
    corrections: [],
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
        VARY: [settleAtPaid, { guard: 'changesAmountOrDate', actions: 'vary' }],
        RESCHEDULE: { actions: ['vary', paymentRescheduled] },
        SUPERSEDE: 'cancelled',
        CANCEL: cancel,
      },
    },
    held: {
      on: {
        RELEASE: 'scheduled',
        VARY: [settleAtPaid, { guard: 'changesAmountOrDate', actions: 'vary' }],
        RESCHEDULE: { actions: ['vary', paymentRescheduled] },
        SUPERSEDE: 'cancelled',
        CANCEL: cancel,
      },
    },
    approved: {
      on: {
        // Held after approval: it must be approved again once released.
        HOLD: { target: 'held', actions: 'clearApproval' },
        MARK_PAID: [
          // Part of it paid: the rest stays due, still approved (a hold or a re-profile asks again).
          {
            guard: 'paysPart',
            actions: ['recordPart', paymentMade, tell('paymentMade', 'owner', 'officer')],
          },
          {
            guard: 'paidValid',
            target: 'paid',
            actions: ['recordPart', 'recordPaid', paymentMade, tell('paymentMade', 'owner', 'officer')],
          },
        ],
        // A changed amount or date needs approving again.
        VARY: [settleAtPaid, { guard: 'changesAmountOrDate', target: 'scheduled', actions: 'vary' }],
        RESCHEDULE: { target: 'scheduled', actions: ['vary', paymentRescheduled] },
        SUPERSEDE: 'cancelled',
        CANCEL: cancel,
        // Paid in part: the amount recorded can be put right while the rest is still due.
        CORRECT_PAYMENT: {
          guard: and(['hasPart', 'correctionValid']),
          actions: ['recordCorrection', paymentCorrected, tell('paymentCorrected', 'owner')],
        },
      },
    },
    paid: {
      on: {
        RECORD_RETURN: {
          guard: 'returnValid',
          target: 'returned',
          actions: ['recordReturn', paymentReturned],
        },
        CORRECT_PAYMENT: {
          guard: 'correctionValid',
          actions: ['recordCorrection', paymentCorrected, tell('paymentCorrected', 'owner')],
        },
      },
    },
    // Money came back; the record of the payment can still be put right.
    returned: {
      on: {
        CORRECT_PAYMENT: {
          guard: 'correctionValid',
          actions: ['recordCorrection', paymentCorrected, tell('paymentCorrected', 'owner')],
        },
      },
    },
    cancelled: { type: 'final' },
  },
});

const system = ['system'] as const;
const finance = ['finance'] as const;

/** Version 2's context: no parts (a payment was paid whole). */
export type PaymentContextV2 = Omit<PaymentContext, 'parts'>;

/** A version-2 payment paid whole is one part of its amount. */
export const upgradeFromVersion2 = (c: PaymentContextV2): PaymentContext => ({
  ...c,
  parts: c.paid ? [{ amountPence: c.amountPence, ...c.paid }] : [],
});

export const payment = defineMachine({
  id: 'award-payment',
  // 2: a paid date is checked (not in the future, not before approval) and can be corrected with a
  // reason (CORRECT_PAYMENT); the approval's day is kept.
  // 3: a payment can be paid in part (MARK_PAID's amountPence): each part is kept, the rest stays due.
  version: 3,
  upgradeFrom: { version: 2, context: upgradeFromVersion2 },
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
  staffOnly: ['scheduledBy', 'variedBy', 'approvedBy', 'approvedOn'],
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
    MARK_PAID: {
      label: 'Record the payment as paid',
      payload: paidPayload,
      sentBy: finance,
      check: checkPaid,
    },
    CORRECT_PAYMENT: {
      label: 'Correct the paid date or reference',
      payload: correctPayload,
      sentBy: finance,
      check: checkCorrection,
      whenever: true,
    },
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
