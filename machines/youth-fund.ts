// Youth Fund: small grants (up to £5,000 by default) for youth projects. Bid, eligibility check,
// panel decision, offer, payment, end-of-grant report. Pure: the engine turns `notify` into email,
// and the offer's `after` timers and the report's `scheduleAt` deadlines into timer rows.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { addDays, endOfLondonDay, londonInstant } from './calendar.ts';
import {
  atMost,
  checkOwnDeadline,
  commitFunds,
  defineMachine,
  engineActions,
  type FieldProblem,
  guardFrom,
  isoDate,
  isoInstant,
  type MeasureSpec,
  moneyActions,
  type Now,
  notify,
  notPast,
  type OwnDeadline,
  ownDeadlinePayload,
  type ProgrammeInput,
  paidOn,
  paymentActions,
  paymentReference,
  pence,
  positivePence,
  programmeId,
  quorumReason,
  type Recipient,
  reason,
  reasonPayload,
  releaseFunds,
  releaseUnpaid,
  reportSpend,
  requireOpenRound,
  scheduleAt,
  schedulePayments,
  shortText,
} from './define.ts';
import { youthFundTemplates } from './mail/youth-fund.ts';
import { type Figures, figureProblems, measureFigures, measureList } from './measures.ts';
import { OFFER_LAPSES_AFTER_MS, OFFER_REMINDER_AFTER_MS } from './messages.ts';

/** £5,000 in pence; the machine input's `capPence` overrides it (a programme will supply it). */
export const YOUTH_FUND_DEFAULT_CAP_PENCE = 500_000;
/** An offer not accepted within 28 days lapses; the provider is reminded a week before (./messages.ts). */
export { OFFER_LAPSES_AFTER_MS, OFFER_REMINDER_AFTER_MS };
/** The provider is reminded this many days before the end-of-grant report is due. */
export const REPORT_REMINDER_DAYS = 14;

/** The messages this machine sends; ./mail/youth-fund.ts has the words of each (the definition's `messages`). */
export const youthFundMessages = [
  'bidReceived',
  'bidEligible',
  'bidIneligible',
  'bidDeclined',
  'offerMade',
  'offerLapsing',
  'offerLapsed',
  'paymentRecorded',
  'reportDueSoon',
  'reportOverdue',
  'reportQueried',
  'deadlineExtended',
] as const;
export type YouthFundMessage = (typeof youthFundMessages)[number];
const tell = (message: YouthFundMessage, ...to: Recipient[]) => notify(message, ...to);

/** What a Youth Fund programme's grants report on at the end, to start with: its own measures. */
export const youthFundMeasures: readonly MeasureSpec[] = [
  {
    id: 'youngPeopleTakingPart',
    name: 'Young people taking part',
    unit: 'count',
    target: null,
    breakdowns: ['Aged 10 to 13', 'Aged 14 to 17', 'Aged 18 to 24'],
  },
  {
    id: 'youngPeopleCompleting',
    name: 'Young people completing the project',
    unit: 'count',
    target: null,
    breakdowns: [],
  },
  {
    id: 'feelLessLikelyToOffend',
    name: 'Young people who say they are less likely to get into trouble',
    unit: 'percent',
    target: null,
    breakdowns: [],
    weightedBy: 'youngPeopleTakingPart',
  },
];

export interface YouthFundPayment {
  amountPence: number;
  paidOn: string;
  reference: string;
}
export interface YouthFundReport {
  summary: string;
  spentPence: number;
  outcomes: string;
  /** A figure for each of the grant's measures; absent on reports made before version 4. */
  measures?: Figures;
}
/** A reason given for ending the case, with the event that carried it. */
export interface YouthFundReason {
  event: 'REJECT_INELIGIBLE' | 'DECLINE' | 'DECLINE_OFFER' | 'WITHDRAW';
  reason: string;
}
export interface YouthFundContext {
  capPence: number;
  /** The outcome measures the end-of-grant report gives figures for: the programme's, when the bid began. */
  measures: MeasureSpec[];
  title: string | null;
  summary: string | null;
  amountRequestedPence: number | null;
  awardedPence: number | null;
  /** The date (London) the end-of-grant report is due, set in the offer. */
  reportDueOn: string | null;
  /** Set once the due-soon reminder has gone, so a queried report does not remind again. */
  reportReminderSent: boolean;
  /** Set once people were told the report is overdue, so a report queried late does not tell them again. */
  overdueNotified: boolean;
  reasons: YouthFundReason[];
  payment: YouthFundPayment | null;
  report: YouthFundReport | null;
  /** Reasons the officer gave each time they queried a report, oldest first. */
  queries: string[];
  /** A later deadline an officer gave this applicant alone, with the reason; null while there is none. */
  ownDeadline: OwnDeadline | null;
}

/**
 * The machine's input: the client's creation input plus the programme's settings, which the domain
 * layer adds (the cap comes from the programme). `capPence` overrides both, for unit tests.
 */
export interface YouthFundInput extends ProgrammeInput {
  title?: string;
  programmeId?: string;
  capPence?: number;
}

// What people read on forms and the case page; the payloads and the context share them.
const projectTitle = { title: 'Project title' };
const projectSummary = {
  title: 'Summary of the project',
  hint: 'What the project will do, who it is for and the difference it will make.',
  widget: 'textarea',
} as const;
const amountRequested = {
  title: 'Amount requested',
  hint: 'No more than the most the programme gives for one grant.',
};
const amountAwarded = { title: 'Amount awarded', hint: 'No more than the amount requested.' };
const reportDueOn = {
  title: 'End-of-grant report due on',
  hint: 'The date the provider must send the end-of-grant report by.',
};
const amountPaid = { title: 'Amount paid' };
const reportSummary = { title: 'What the project did', widget: 'textarea' } as const;
const amountSpent = { title: 'Amount spent', hint: 'No more than the grant paid.' };
const reportMeasures = {
  title: 'Outcomes',
  hint: "A figure for each of the programme's measures, over the whole project.",
} as const;
const outcomes = {
  title: 'What the project achieved',
  hint: 'The difference it made to the young people taking part.',
  widget: 'textarea',
} as const;

// Client creation input: the programme, never the cap.
const creationInput = z.strictObject({
  programmeId: programmeId.meta({ title: 'Programme' }),
  title: shortText(200, 'the project title').optional().meta(projectTitle),
});

const submitPayload = z.strictObject({
  title: shortText(200, 'the project title').meta(projectTitle),
  summary: shortText(5000, 'a summary of the project').meta(projectSummary),
  amountRequestedPence: positivePence.meta(amountRequested),
});
const emptyPayload = z.strictObject({});
const ineligiblePayload = reasonPayload('Why the bid is not eligible');
const declineOfferPayload = reasonPayload('Why you are declining the offer');
const queryReportPayload = reasonPayload('Questions about the report');
const withdrawPayload = reasonPayload('Why you are withdrawing the bid');
// The panel's decisions close its scoring: short of the quorum, they say why.
const declinePayload = z.strictObject({
  reason: reason.meta({ title: 'Reasons for not funding the bid' }),
  ...quorumReason,
});
const approvePayload = z.strictObject({
  amountPence: positivePence.meta(amountAwarded),
  reportDueOn: isoDate.meta(reportDueOn),
  ...quorumReason,
});
const paymentPayload = z.strictObject({
  amountPence: positivePence.meta(amountPaid),
  paidOn: isoDate.meta(paidOn),
  reference: shortText(100, 'the payment reference').meta(paymentReference),
});
const reportPayload = z.strictObject({
  summary: shortText(5000, 'what the project did').meta(reportSummary),
  spentPence: pence.meta(amountSpent),
  outcomes: shortText(5000, 'what the project achieved').meta(outcomes),
  // Optional in shape only: the grant's own measures say what it must give (checkReport).
  measures: measureFigures.optional().meta(reportMeasures),
});

/** What each field of the context means to a person, most important first (display only). */
const contextSchema = z.object({
  title: z.string().nullable().meta(projectTitle),
  amountRequestedPence: pence.nullable().meta({ title: 'Amount requested', widget: 'money' }),
  awardedPence: pence.nullable().meta({ title: 'Amount awarded', widget: 'money' }),
  summary: z.string().nullable().meta({ title: 'Summary of the project', widget: 'textarea' }),
  reportDueOn: isoDate.nullable().meta({ title: 'End-of-grant report due on' }),
  payment: paymentPayload.nullable().meta({ title: 'Payment' }),
  report: z
    .object({
      summary: z.string().meta(reportSummary),
      spentPence: pence.meta({ title: 'Amount spent' }),
      outcomes: z.string().meta({ title: 'What the project achieved', widget: 'textarea' }),
      measures: measureFigures.optional().meta(reportMeasures),
    })
    .nullable()
    .meta({ title: 'End-of-grant report' }),
  queries: z
    .array(z.string().meta({ title: 'Question', widget: 'textarea' }))
    .meta({ title: 'Questions about the report' }),
  reasons: z
    .array(
      z.object({
        event: z.string().meta({ title: 'Given when', widget: 'event' }),
        reason: z.string().meta({ title: 'Reasons', widget: 'textarea' }),
      }),
    )
    .meta({ title: 'Reasons given' }),
  measures: measureList,
  ownDeadline: z
    .object({
      closesAt: isoInstant.meta({ title: 'Bids from this applicant taken until' }),
      reason: z.string().meta({ title: 'Why this applicant has longer', widget: 'textarea' }),
    })
    .nullable()
    .meta({ title: 'Later deadline for this applicant' }),
  capPence: pence.meta({ title: 'Most that can be requested' }),
  reportReminderSent: z.boolean().meta({ title: 'Report reminder sent', widget: 'hidden' }),
  overdueNotified: z.boolean().meta({ title: 'Told the report is overdue', widget: 'hidden' }),
});

type SubmitPayload = z.output<typeof submitPayload>;
type ReasonPayload = { reason: string };
type OptionalReasonPayload = { reason?: string };
type ApprovePayload = z.output<typeof approvePayload>;
type PaymentPayload = z.output<typeof paymentPayload>;
type ReportPayload = z.output<typeof reportPayload>;

export type YouthFundEvent =
  | ({ type: 'SUBMIT' } & SubmitPayload)
  | { type: 'CONFIRM_ELIGIBLE' }
  | ({ type: 'REJECT_INELIGIBLE' } & ReasonPayload)
  | ({ type: 'APPROVE' } & ApprovePayload)
  | ({ type: 'DECLINE' } & z.output<typeof declinePayload>)
  | { type: 'ACCEPT_OFFER' }
  | ({ type: 'DECLINE_OFFER' } & OptionalReasonPayload)
  | ({ type: 'RECORD_PAYMENT' } & PaymentPayload)
  | ({ type: 'SUBMIT_REPORT' } & ReportPayload)
  | { type: 'ACCEPT_REPORT' }
  | ({ type: 'QUERY_REPORT' } & ReasonPayload)
  | ({ type: 'WITHDRAW' } & OptionalReasonPayload)
  | ({ type: 'EXTEND_OWN_DEADLINE' } & z.output<typeof ownDeadlinePayload>)
  | { type: 'REPORT_DUE_SOON' }
  | { type: 'REPORT_OVERDUE' };

export const checkSubmit = (context: YouthFundContext, payload: SubmitPayload): FieldProblem[] =>
  atMost(
    'amountRequestedPence',
    payload.amountRequestedPence,
    context.capPence,
    (cap) => `The most you can ask for is ${cap}`,
  );

export const checkApprove = (
  context: YouthFundContext,
  payload: ApprovePayload,
  now?: Now,
): FieldProblem[] => [
  ...atMost(
    'amountPence',
    payload.amountPence,
    context.amountRequestedPence ?? 0,
    (requested) => `The award cannot be more than the ${requested} requested`,
  ),
  // A report due date in the past would make the report overdue the moment it was paid.
  ...notPast('reportDueOn', payload.reportDueOn, now),
];

export const checkPayment = (context: YouthFundContext, payload: PaymentPayload): FieldProblem[] =>
  atMost(
    'amountPence',
    payload.amountPence,
    context.awardedPence ?? 0,
    (awarded) => `The payment cannot be more than the ${awarded} awarded`,
  );

export const checkReport = (context: YouthFundContext, payload: ReportPayload): FieldProblem[] => [
  ...atMost(
    'spentPence',
    payload.spentPence,
    context.payment?.amountPence ?? 0,
    (paid) => `Spend cannot be more than was paid (${paid})`,
  ),
  ...figureProblems(context.measures ?? [], payload.measures),
];

const releaseAward = releaseFunds<YouthFundContext>((c) => c.awardedPence ?? 0);

/**
 * The payment restated by the system after finance corrected its paid date or reference, so the
 * grant's record of it stays the payment's: no email (finance's correction tells the provider).
 */
const restated = { guard: 'withinAward', actions: 'recordPayment' } as const;

const machine = setup({
  types: {
    context: {} as YouthFundContext,
    events: {} as YouthFundEvent,
    input: {} as YouthFundInput,
  },
  actions: {
    ...engineActions,
    ...moneyActions,
    ...paymentActions,
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
    recordAward: assign(({ event }) =>
      event.type === 'APPROVE' ? { awardedPence: event.amountPence, reportDueOn: event.reportDueOn } : {},
    ),
    recordReminder: assign({ reportReminderSent: true }),
    recordOwnDeadline: assign(({ event }) =>
      event.type === 'EXTEND_OWN_DEADLINE'
        ? { ownDeadline: { closesAt: new Date(event.closesAt).toISOString(), reason: event.reason } }
        : {},
    ),
    recordOverdueNotice: assign({ overdueNotified: true }),
    recordPayment: assign(({ event }) =>
      event.type === 'RECORD_PAYMENT'
        ? { payment: { amountPence: event.amountPence, paidOn: event.paidOn, reference: event.reference } }
        : {},
    ),
    recordReport: assign(({ event }) =>
      event.type === 'SUBMIT_REPORT'
        ? {
            report: {
              summary: event.summary,
              spentPence: event.spentPence,
              outcomes: event.outcomes,
              measures: event.measures ?? {},
            },
          }
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
    overdueAlreadyNotified: ({ context }) => context.overdueNotified,
    ownDeadlineValid: guardFrom(checkOwnDeadline),
  },
  delays: {
    offerReminderAfter: OFFER_REMINDER_AFTER_MS,
    offerLapsesAfter: OFFER_LAPSES_AFTER_MS,
  },
}).createMachine({
  id: 'youth-fund',
  initial: 'draft',
  context: ({ input }) => ({
    capPence: input?.capPence ?? input?.programme?.maxAwardPence ?? YOUTH_FUND_DEFAULT_CAP_PENCE,
    measures: [...(input?.programme?.measures ?? [])],
    title: input?.title ?? null,
    summary: null,
    amountRequestedPence: null,
    awardedPence: null,
    reportDueOn: null,
    reportReminderSent: false,
    overdueNotified: false,
    reasons: [],
    payment: null,
    report: null,
    queries: [],
    ownDeadline: null,
  }),
  states: {
    draft: {
      on: {
        SUBMIT: {
          guard: 'withinCap',
          target: 'submitted',
          actions: ['recordBid', requireOpenRound, tell('bidReceived', 'owner')],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
        EXTEND_OWN_DEADLINE: {
          guard: 'ownDeadlineValid',
          actions: ['recordOwnDeadline', tell('deadlineExtended', 'owner')],
        },
      },
    },
    submitted: {
      on: {
        CONFIRM_ELIGIBLE: { target: 'panelReview', actions: tell('bidEligible', 'owner') },
        REJECT_INELIGIBLE: {
          target: 'ineligible',
          actions: ['recordReason', tell('bidIneligible', 'owner')],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
      },
    },
    panelReview: {
      on: {
        APPROVE: {
          guard: 'withinRequest',
          target: 'offered',
          // The award is committed against the programme's fund when the panel decides.
          actions: ['recordAward', commitFunds<YouthFundContext>((c) => c.awardedPence ?? 0)],
        },
        DECLINE: { target: 'declined', actions: ['recordReason', tell('bidDeclined', 'owner')] },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
      },
    },
    offered: {
      entry: tell('offerMade', 'owner'),
      on: {
        // Accepting is signing: the grant is paid in one payment, from the day of acceptance.
        ACCEPT_OFFER: {
          target: 'accepted',
          actions: schedulePayments<YouthFundContext>(() => ({
            profile: 'oneOff',
            instalments: null,
            remainderIn: 'last',
            startsOn: null,
            endsOn: null,
          })),
        },
        DECLINE_OFFER: { target: 'offerDeclined', actions: ['recordReason', releaseAward] },
      },
      after: {
        offerReminderAfter: { actions: tell('offerLapsing', 'owner') },
        offerLapsesAfter: {
          target: 'lapsed',
          actions: [releaseAward, tell('offerLapsed', 'owner', 'officer')],
        },
      },
    },
    accepted: {
      on: {
        RECORD_PAYMENT: {
          guard: 'withinAward',
          target: 'reporting',
          actions: ['recordPayment', tell('paymentRecorded', 'owner')],
        },
      },
    },
    reporting: {
      entry: [
        scheduleAt<YouthFundContext>('reportDueSoon', 'REPORT_DUE_SOON', (context) =>
          context.reportDueOn && !context.reportReminderSent
            ? londonInstant(addDays(context.reportDueOn, -REPORT_REMINDER_DAYS), '09:00')
            : null,
        ),
        scheduleAt<YouthFundContext>('reportOverdue', 'REPORT_OVERDUE', (context) =>
          context.reportDueOn ? endOfLondonDay(context.reportDueOn) : null,
        ),
      ],
      on: {
        SUBMIT_REPORT: { guard: 'withinPayment', target: 'reportSubmitted', actions: 'recordReport' },
        RECORD_PAYMENT: restated,
        REPORT_DUE_SOON: { actions: ['recordReminder', tell('reportDueSoon', 'owner')] },
        REPORT_OVERDUE: [
          { guard: 'overdueAlreadyNotified', target: 'reportOverdue' },
          {
            target: 'reportOverdue',
            actions: ['recordOverdueNotice', tell('reportOverdue', 'owner', 'officer')],
          },
        ],
      },
    },
    reportOverdue: {
      on: {
        SUBMIT_REPORT: { guard: 'withinPayment', target: 'reportSubmitted', actions: 'recordReport' },
        RECORD_PAYMENT: restated,
      },
    },
    reportSubmitted: {
      on: {
        RECORD_PAYMENT: restated,
        // Closing records the spend reported and gives back any part of the award never paid.
        ACCEPT_REPORT: {
          target: 'closed',
          actions: [reportSpend<YouthFundContext>((c) => c.report?.spentPence ?? 0), releaseUnpaid],
        },
        QUERY_REPORT: { target: 'reporting', actions: ['recordQuery', tell('reportQueried', 'owner')] },
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
  // 2: the grant is paid through a payment case; its payment is recorded by the system when made.
  // 3: an officer may give one applicant a later deadline (EXTEND_OWN_DEADLINE) while the bid is a draft.
  // 4: the end-of-grant report gives a figure for each of the programme's measures, copied into the
  // bid when it began. Bids begun before then take the Youth Fund's measures; a report already made
  // keeps what it said (no figures).
  version: 4,
  upgradeFrom: {
    version: 3,
    context: (c: Omit<YouthFundContext, 'measures'>): YouthFundContext => ({
      ...c,
      measures: youthFundMeasures.map((m) => ({ ...m, breakdowns: [...m.breakdowns] })),
    }),
  },
  referencePrefix: 'YF',
  measures: youthFundMeasures,
  reportsMeasures: { measures: 'measures', figures: ['report', 'measures'], dueOn: 'reportDueOn' },
  ownerKinds: ['provider'],
  messages: youthFundTemplates,
  context: contextSchema,
  summary: (context: YouthFundContext) => ({
    title: context.title ?? 'Youth Fund bid (not yet titled)',
    amountPence: context.awardedPence ?? context.amountRequestedPence,
    description: context.summary,
  }),
  panelScoringStates: ['panelReview'],
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
    reportOverdue: { label: 'End-of-grant report overdue' },
    reportSubmitted: { label: 'Report submitted' },
    ineligible: { label: 'Not eligible' },
    declined: { label: 'Declined by the panel' },
    offerDeclined: { label: 'Offer declined' },
    lapsed: { label: 'Offer lapsed' },
    closed: { label: 'Closed' },
    withdrawn: { label: 'Withdrawn' },
  },
  events: {
    SUBMIT: {
      label: 'Submit the bid',
      payload: submitPayload,
      sentBy: ['owner'],
      ownerPermission: 'submitBids',
      check: checkSubmit,
      application: true,
    },
    CONFIRM_ELIGIBLE: { label: 'Confirm the bid is eligible', payload: emptyPayload, sentBy: ['officer'] },
    REJECT_INELIGIBLE: {
      label: 'Reject the bid as not eligible',
      payload: ineligiblePayload,
      sentBy: ['officer'],
    },
    APPROVE: {
      label: 'Approve a grant',
      payload: approvePayload,
      sentBy: ['panel'],
      check: checkApprove,
      decision: { amountPence: (_c: YouthFundContext, p: ApprovePayload) => p.amountPence },
      closesScoring: true,
      staffOnly: ['quorumReason'],
    },
    DECLINE: {
      label: 'Decline the bid',
      payload: declinePayload,
      sentBy: ['panel'],
      irreversible: true,
      decision: { amountPence: () => null },
      closesScoring: true,
      staffOnly: ['quorumReason'],
    },
    ACCEPT_OFFER: {
      label: 'Accept the offer',
      payload: emptyPayload,
      sentBy: ['owner'],
      ownerPermission: 'acceptOffers',
      letter: {
        title: 'Offer of a Youth Fund grant',
        opening: () =>
          'The Police and Crime Commissioner offers your organisation a Youth Fund grant for this project, on these terms.',
        terms: ['title', 'awardedPence', 'reportDueOn'],
        closing: (context: YouthFundContext) => {
          const names = context.measures.map((m) => m.name.toLowerCase());
          const figures = names.length
            ? `, with figures for ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}`
            : '';
          return `The grant is paid in one payment once you accept. Spend it on the project as you described it, and send the end-of-grant report by the day above${figures}. The offer lapses if it is not accepted within ${OFFER_LAPSES_AFTER_MS / 86_400_000} days of being made.`;
        },
      },
    },
    DECLINE_OFFER: {
      label: 'Decline the offer',
      payload: declineOfferPayload,
      sentBy: ['owner'],
      ownerPermission: 'acceptOffers',
      irreversible: true,
    },
    RECORD_PAYMENT: {
      label: 'Payment made',
      payload: paymentPayload,
      sentBy: ['system'],
      check: checkPayment,
    },
    SUBMIT_REPORT: {
      label: 'Submit the end-of-grant report',
      payload: reportPayload,
      sentBy: ['owner'],
      ownerPermission: 'fileReturns',
      check: checkReport,
    },
    ACCEPT_REPORT: { label: 'Accept the report', payload: emptyPayload, sentBy: ['officer'] },
    QUERY_REPORT: { label: 'Query the report', payload: queryReportPayload, sentBy: ['officer'] },
    WITHDRAW: {
      label: 'Withdraw the bid',
      payload: withdrawPayload,
      sentBy: ['owner'],
      ownerPermission: 'submitBids',
      irreversible: true,
    },
    EXTEND_OWN_DEADLINE: {
      label: 'Give this applicant a later deadline',
      payload: ownDeadlinePayload,
      sentBy: ['officer'],
      check: checkOwnDeadline,
      // Possible on any draft; not work waiting for officers.
      whenever: true,
    },
    REPORT_DUE_SOON: { label: 'Report due soon', payload: emptyPayload, sentBy: ['system'] },
    REPORT_OVERDUE: { label: 'Report overdue', payload: emptyPayload, sentBy: ['system'] },
  },
});
