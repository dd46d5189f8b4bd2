// A monitoring return: one per award per period, owned by the provider whose award it is. Due by the
// end of `dueOn` (London), with a reminder a week before at 09:00; a return not in by then is `late`
// but is still taken (and marked late). The officer accepts it or queries it; a queried return is
// resubmitted, and every submission is kept. An officer may re-date a return not yet in (with a reason;
// the old date stays on record) or waive it. The domain opens an award's returns from its agreement
// (src/domain/monitoring-returns.ts) and withdraws those after the award ends. Spend reported above
// the award's value comes with an explanation (the rulebook asks for it; EventSpec.reportsSpend).
// Pure: the engine turns `scheduleAt` into timer rows.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { addDays, dayInWords, endOfLondonDay, isIsoDate, londonInstant } from './calendar.ts';
import {
  type CaseLine,
  defineMachine,
  engineActions,
  type FieldProblem,
  guardFrom,
  holdAwardPayments,
  isoDate,
  type MeasureSpec,
  moneyActions,
  type Now,
  notify,
  notPast,
  type ProgrammeInput,
  paymentActions,
  pence,
  type Recipient,
  reason,
  reasonPayload,
  recordUnderspend,
  releaseAwardPayments,
  reportSpend,
  scheduleAt,
  shortText,
  victimsMeasures,
} from './define.ts';
import { monitoringReturnTemplates } from './mail/monitoring-return.ts';
import { type Figures, figureProblems, measureFigures, measureList } from './measures.ts';

/** The provider is reminded this many days before the return is due, at 09:00 London time. */
export const RETURN_REMINDER_DAYS = 7;

/** The messages this machine sends; each has a template in ./mail/monitoring-return.ts. */
export const monitoringReturnMessages = [
  'returnDueSoon',
  'returnOverdue',
  'returnSubmitted',
  'returnQueried',
  'returnRedated',
] as const;
export type MonitoringReturnMessage = (typeof monitoringReturnMessages)[number];
const tell = (message: MonitoringReturnMessage, ...to: Recipient[]) => notify(message, ...to);

/** What the provider reports for the period. */
export interface MonitoringReturnFigures {
  performance: string;
  /** A figure for each of the return's measures (victims supported, cope and recover, …). */
  measures: Figures;
  spendPence: number;
  /** Money the provider will not need this award for; released from the unpaid part when accepted. */
  underspendPence: number;
  narrative: string | null;
  /** Why the spend reported on the award so far is above its value; null when it is not. */
  spendAboveAward: string | null;
}
export interface MonitoringReturnContext {
  /** The award case this return reports on. */
  awardCaseId: string;
  /** The outcome measures it reports on: its award's programme's, as they were when it was opened. */
  measures: MeasureSpec[];
  periodStart: string;
  periodEnd: string;
  /** The London date the return is due by (the end of that day). */
  dueOn: string;
  /** Set once the due-soon reminder has gone, so it is never scheduled again. */
  reminderSent: boolean;
  /** True when the first submission came after the return became late. */
  submittedLate: boolean;
  /** The return as last submitted; null until the first submission. */
  latestReturn: MonitoringReturnFigures | null;
  /** Every submission, oldest first (the first, then each resubmission after a query). */
  submissions: MonitoringReturnFigures[];
  /** The officer's reasons, each time the return was queried, oldest first. */
  queries: string[];
  /** From when it became overdue or was queried until it is accepted, it holds its award's payments. */
  holdsPayments: boolean;
  /** Each time an officer moved the due date: the date before, the date after and why, oldest first. */
  redates: { from: string; to: string; reason: string }[];
  /** Why an officer waived the return, if they did. */
  waivedReason: string | null;
  /** Why the domain withdrew it (the award ended before its period), if it did; absent on older returns. */
  withdrawnReason?: string | null;
}

const creationFields = z.strictObject({
  awardCaseId: z
    .uuid({ error: 'Enter the id of the award case' })
    .meta({ title: 'Award', hint: 'The id of the award case this return reports on.' }),
  periodStart: isoDate.meta({ title: 'First day of the period' }),
  periodEnd: isoDate.meta({ title: 'Last day of the period' }),
  dueOn: isoDate.meta({
    title: 'Date the return is due',
    hint: `Due by the end of this day, and not before the period ends. The provider is reminded ${RETURN_REMINDER_DAYS} days before.`,
  }),
});
// Cross-field rules as a zod `check`: the schema stays a ZodObject (zod 4 keeps refinements on the
// object itself), and the problems name the field. Skipped when a date is already malformed.
const creationInput = creationFields.check((ctx) => {
  const { periodStart, periodEnd, dueOn } = ctx.value;
  const valid = [periodStart, periodEnd, dueOn].every((d) => isoDate.safeParse(d).success);
  if (!valid) return;
  if (periodEnd < periodStart)
    ctx.issues.push({
      code: 'custom',
      path: ['periodEnd'],
      message: 'The period cannot end before it starts',
      input: periodEnd,
    });
  if (dueOn < periodEnd)
    ctx.issues.push({
      code: 'custom',
      path: ['dueOn'],
      message: 'The return cannot be due before the period ends',
      input: dueOn,
    });
});

/** What the engine passes as the machine's input (the domain may add a programme; it is not used). */
export type MonitoringReturnInput = z.output<typeof creationFields> & ProgrammeInput;

const returnPayload = z.strictObject({
  performance: shortText(5000, 'how the service performed in the period').meta({
    title: 'How the service performed in the period',
    hint: 'Say how the service did against what was agreed in the award.',
    widget: 'textarea',
  }),
  // Optional in shape only: the return's own measures say what it must give (checkFigures).
  measures: measureFigures.optional().meta({
    title: 'Outcomes in the period',
    hint: "A figure for each of the programme's measures, in this period.",
  }),
  spendPence: pence.meta({
    title: 'Spend in the period',
    hint: 'What you spent from this award in the period.',
  }),
  underspendPence: pence.optional().meta({
    title: 'Underspend',
    hint: 'Money from this award you will not need. It goes back to the fund when the return is accepted.',
  }),
  narrative: shortText(5000, 'anything else you want to tell us about the period')
    .optional()
    .meta({ title: 'Anything else you want to tell us about the period', widget: 'textarea' }),
  spendAboveAward: shortText(5000, "why the spend is more than the award's value").optional().meta({
    title: "Why the spend is more than the award's value",
    hint: "Only needed when the spend you have reported on this award, with this return, adds up to more than the award's value. The officer accepts it or asks you about it.",
    widget: 'textarea',
  }),
});
const emptyPayload = z.strictObject({});
const queryPayload = reasonPayload(
  'Your questions about the return',
  'The provider reads them on the case page, then corrects and resubmits the return.',
);
const waivePayload = reasonPayload('Reasons for waiving the return');
const withdrawPayload = reasonPayload('Why the return is no longer needed');
const redatePayload = z.strictObject({
  dueOn: isoDate.meta({
    title: 'New due date',
    hint: 'The return will be due by the end of this day. It cannot be before the period ends.',
  }),
  reason: reason.meta({ title: 'Reasons for the new due date' }),
});

type ReturnPayload = z.output<typeof returnPayload>;
type ReasonPayload = { reason: string };
type RedatePayload = z.output<typeof redatePayload>;

export type MonitoringReturnEvent =
  | ({ type: 'SUBMIT_RETURN' } & ReturnPayload)
  | ({ type: 'RESUBMIT_RETURN' } & ReturnPayload)
  | { type: 'ACCEPT_RETURN' }
  | ({ type: 'QUERY_RETURN' } & ReasonPayload)
  | ({ type: 'REDATE_RETURN' } & RedatePayload)
  | ({ type: 'WAIVE_RETURN' } & ReasonPayload)
  | ({ type: 'WITHDRAW_RETURN' } & ReasonPayload)
  | { type: 'RETURN_DUE_SOON' }
  | { type: 'RETURN_OVERDUE' };

const figuresOf = (event: ReturnPayload): MonitoringReturnFigures => ({
  performance: event.performance,
  measures: event.measures ?? {},
  spendPence: event.spendPence,
  underspendPence: event.underspendPence ?? 0,
  narrative: event.narrative ?? null,
  spendAboveAward: event.spendAboveAward ?? null,
});

/** The spend a submission reports, and its explanation of spend above the award's value. */
const spendReport = (_c: MonitoringReturnContext, p: ReturnPayload) => ({
  spendPence: p.spendPence,
  explanation: p.spendAboveAward?.trim() ? p.spendAboveAward : null,
});

/** A return reports on its period: it is submitted from the period's last day, not before. */
export const checkSubmit = (c: MonitoringReturnContext, _p: unknown, now?: Now): FieldProblem[] =>
  now && isIsoDate(c.periodEnd) && now.today < c.periodEnd
    ? [
        {
          field: 'periodEnd',
          message: `This return reports on the period to ${dayInWords(c.periodEnd)}: it can be submitted from that day`,
        },
      ]
    : [];

/** A figure for each of the return's measures, and none for another's. */
export const checkFigures = (c: MonitoringReturnContext, p: ReturnPayload): FieldProblem[] =>
  figureProblems(c.measures ?? [], p.measures);

/** A submission: from the period's last day, with a figure for each measure. */
export const checkReturn = (c: MonitoringReturnContext, p: ReturnPayload, now?: Now): FieldProblem[] => [
  ...checkSubmit(c, p, now),
  ...checkFigures(c, p),
];

/** A new due date: not in the past, not before the period ends, and not the date it has. */
export const checkRedate = (c: MonitoringReturnContext, p: RedatePayload, now?: Now): FieldProblem[] => [
  ...notPast('dueOn', p.dueOn, now),
  ...(p.dueOn < c.periodEnd
    ? [{ field: 'dueOn', message: `The return cannot be due before the period ends (${c.periodEnd})` }]
    : []),
  ...(p.dueOn === c.dueOn
    ? [
        {
          field: 'dueOn',
          message: `The return is already due on ${dayInWords(c.dueOn)}: enter a different date`,
        },
      ]
    : []),
];

/** Waiving: the return is not needed; it stops holding the award's payments. */
const waive = {
  target: 'waived',
  actions: ['recordWaiver', 'clearHold', releaseAwardPayments],
} as const;
/** Withdrawn by the domain: the award ended before the period; it stops holding the payments too. */
const withdraw = {
  target: 'withdrawn',
  actions: ['recordWithdrawal', 'clearHold', releaseAwardPayments],
} as const;

const machine = setup({
  types: {
    context: {} as MonitoringReturnContext,
    events: {} as MonitoringReturnEvent,
    input: {} as MonitoringReturnInput,
  },
  actions: {
    ...engineActions,
    ...moneyActions,
    ...paymentActions,
    holdPayments: assign({ holdsPayments: true }),
    clearHold: assign({ holdsPayments: false }),
    recordReturn: assign(({ context, event }) => {
      if (event.type !== 'SUBMIT_RETURN' && event.type !== 'RESUBMIT_RETURN') return {};
      const figures = figuresOf(event);
      return { latestReturn: figures, submissions: [...context.submissions, figures] };
    }),
    recordLateness: assign({ submittedLate: true }),
    recordReminder: assign({ reminderSent: true }),
    recordQuery: assign(({ context, event }) =>
      event.type === 'QUERY_RETURN' ? { queries: [...context.queries, event.reason] } : {},
    ),
    // The old date stays on record beside the new one; the reminder goes again for the new date.
    recordRedate: assign(({ context, event }) =>
      event.type === 'REDATE_RETURN'
        ? {
            dueOn: event.dueOn,
            reminderSent: false,
            redates: [...context.redates, { from: context.dueOn, to: event.dueOn, reason: event.reason }],
          }
        : {},
    ),
    recordWaiver: assign(({ event }) =>
      event.type === 'WAIVE_RETURN' ? { waivedReason: event.reason } : {},
    ),
    recordWithdrawal: assign(({ event }) =>
      event.type === 'WITHDRAW_RETURN' ? { withdrawnReason: event.reason } : {},
    ),
  },
  guards: {
    redateValid: guardFrom(checkRedate),
    returnFits: guardFrom(checkReturn),
    figuresFit: guardFrom(checkFigures),
  },
}).createMachine({
  id: 'monitoring-return',
  initial: 'due',
  context: ({ input }) => ({
    awardCaseId: input.awardCaseId,
    measures: [...(input.programme?.measures ?? [])],
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    dueOn: input.dueOn,
    reminderSent: false,
    submittedLate: false,
    latestReturn: null,
    submissions: [],
    queries: [],
    holdsPayments: false,
    redates: [],
    waivedReason: null,
    withdrawnReason: null,
  }),
  states: {
    due: {
      entry: [
        scheduleAt<MonitoringReturnContext>('returnDueSoon', 'RETURN_DUE_SOON', (context) =>
          context.reminderSent ? null : londonInstant(addDays(context.dueOn, -RETURN_REMINDER_DAYS), '09:00'),
        ),
        scheduleAt<MonitoringReturnContext>('returnOverdue', 'RETURN_OVERDUE', (context) =>
          endOfLondonDay(context.dueOn),
        ),
      ],
      on: {
        SUBMIT_RETURN: {
          guard: 'returnFits',
          target: 'submitted',
          actions: ['recordReturn', tell('returnSubmitted', 'officer')],
        },
        RETURN_DUE_SOON: { actions: ['recordReminder', tell('returnDueSoon', 'owner')] },
        RETURN_OVERDUE: {
          target: 'late',
          actions: ['holdPayments', holdAwardPayments, tell('returnOverdue', 'owner', 'officer')],
        },
        // Entering `due` again schedules the reminder and the deadline for the new date.
        REDATE_RETURN: {
          guard: 'redateValid',
          target: 'due',
          reenter: true,
          actions: ['recordRedate', tell('returnRedated', 'owner')],
        },
        WAIVE_RETURN: waive,
        WITHDRAW_RETURN: withdraw,
      },
    },
    late: {
      on: {
        SUBMIT_RETURN: {
          guard: 'returnFits',
          target: 'submitted',
          actions: ['recordReturn', 'recordLateness', tell('returnSubmitted', 'officer')],
        },
        // Due again by a later date: no longer overdue, so it stops holding the award's payments.
        REDATE_RETURN: {
          guard: 'redateValid',
          target: 'due',
          actions: ['recordRedate', 'clearHold', releaseAwardPayments, tell('returnRedated', 'owner')],
        },
        WAIVE_RETURN: waive,
        WITHDRAW_RETURN: withdraw,
      },
    },
    submitted: {
      on: {
        // Accepting records the spend, releases any underspend, and lets the award's payments go.
        ACCEPT_RETURN: {
          target: 'accepted',
          actions: [
            'clearHold',
            reportSpend<MonitoringReturnContext>((c) => c.latestReturn?.spendPence ?? 0),
            recordUnderspend<MonitoringReturnContext>((c) => c.latestReturn?.underspendPence ?? 0),
            releaseAwardPayments,
          ],
        },
        QUERY_RETURN: {
          target: 'queried',
          actions: ['recordQuery', 'holdPayments', holdAwardPayments, tell('returnQueried', 'owner')],
        },
      },
    },
    queried: {
      on: {
        RESUBMIT_RETURN: {
          guard: 'figuresFit',
          target: 'submitted',
          actions: ['recordReturn', tell('returnSubmitted', 'officer')],
        },
        WAIVE_RETURN: waive,
      },
    },
    accepted: { type: 'final' },
    waived: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

/** What the provider reported for the period, as it reads on the case page. */
const figures = (title: string) =>
  z
    .object({
      performance: z.string().meta({ title: 'How the service performed', widget: 'textarea' }),
      measures: measureFigures.meta({ title: 'Outcomes in the period' }),
      spendPence: pence.meta({ title: 'Spend in the period' }),
      underspendPence: pence.meta({ title: 'Underspend' }),
      narrative: z.string().nullable().meta({ title: 'Anything else about the period', widget: 'textarea' }),
      spendAboveAward: z
        .string()
        .nullable()
        .optional()
        .meta({ title: "Why the spend is more than the award's value", widget: 'textarea' }),
    })
    .meta({ title });

/** How a monitoring return reads on its case page, most important first. */
const contextSchema = z.object({
  periodStart: isoDate.meta({ title: 'Period starts' }),
  periodEnd: isoDate.meta({ title: 'Period ends' }),
  dueOn: isoDate.meta({ title: 'Due by', hint: 'The end of this day.' }),
  waivedReason: z.string().nullable().meta({ title: 'Reasons for waiving the return', widget: 'textarea' }),
  withdrawnReason: z
    .string()
    .nullable()
    .optional()
    .meta({ title: 'Why the return is no longer needed', widget: 'textarea' }),
  latestReturn: figures('The return').nullable().meta({ title: 'The return', hint: 'As last submitted.' }),
  submittedLate: z.boolean().meta({ title: 'Submitted late' }),
  holdsPayments: z.boolean().meta({
    title: "Holding the award's payments",
    hint: 'An overdue or queried return holds the payments until it is accepted.',
  }),
  queries: z
    .array(z.string().meta({ title: 'Questions', widget: 'textarea' }))
    .meta({ title: "The officer's questions" }),
  redates: z
    .array(
      z
        .object({
          from: isoDate.meta({ title: 'Was due by' }),
          to: isoDate.meta({ title: 'Now due by' }),
          reason: z.string().meta({ title: 'Reasons', widget: 'textarea' }),
        })
        .meta({ title: 'New due date' }),
    )
    .meta({ title: 'Changes to the due date' }),
  submissions: z
    .array(figures('Submission'))
    .meta({ title: 'Every submission', hint: 'The first, then each resubmission after a question.' }),
  reminderSent: z.boolean().meta({ title: 'Reminder sent', widget: 'hidden' }),
  awardCaseId: z.string().meta({ title: 'Award case', widget: 'hidden' }),
  measures: measureList,
});

/** What version 3 kept: victims supported and cope-and-recover as fields of every return. */
interface FiguresV3 extends Omit<MonitoringReturnFigures, 'measures'> {
  victimsSupported: number;
  copeAndRecoverPercent: number;
}
type MonitoringReturnContextV3 = Omit<
  MonitoringReturnContext,
  'measures' | 'latestReturn' | 'submissions'
> & {
  latestReturn: FiguresV3 | null;
  submissions: FiguresV3[];
};

/**
 * A version 3 return asked every cycle for the Ministry of Justice's measures (without their parts):
 * those become its measures, and what it was given, its figures. One not yet in asks for them still.
 */
function upgradeToMeasures(c: MonitoringReturnContextV3): MonitoringReturnContext {
  const figures = ({
    victimsSupported,
    copeAndRecoverPercent,
    ...rest
  }: FiguresV3): MonitoringReturnFigures => ({
    ...rest,
    measures: {
      victimsSupported: { value: victimsSupported },
      copeAndRecover: { value: copeAndRecoverPercent },
    },
  });
  return {
    ...c,
    measures: victimsMeasures.map((m) => ({ ...m, breakdowns: [...m.breakdowns] })),
    latestReturn: c.latestReturn ? figures(c.latestReturn) : null,
    submissions: c.submissions.map(figures),
  };
}

/** The month each quarter of a financial year starts in, to the quarter's number: April starts quarter 1. */
const QUARTER_STARTS: Record<number, number> = { 4: 1, 7: 2, 10: 3, 1: 4 };

/**
 * What people call a return: "Quarter 2 return, 2026-27" when its period is a quarter of a financial
 * year (April to June is quarter 1), else its period in words.
 */
function returnTitle(c: Pick<MonitoringReturnContext, 'periodStart' | 'periodEnd'>): string {
  if (!isIsoDate(c.periodStart) || !isIsoDate(c.periodEnd)) return 'Monitoring return';
  const [year, month, day] = c.periodStart.split('-').map(Number) as [number, number, number];
  const quarter = QUARTER_STARTS[month];
  if (quarter && day === 1) {
    const nextMonth = month + 3;
    const next = `${nextMonth > 12 ? year + 1 : year}-${String(((nextMonth - 1) % 12) + 1).padStart(2, '0')}-01`;
    if (addDays(next, -1) === c.periodEnd) {
      const first = month >= 4 ? year : year - 1;
      return `Quarter ${quarter} return, ${first}-${String((first + 1) % 100).padStart(2, '0')}`;
    }
  }
  return `Monitoring return for ${dayInWords(c.periodStart)} to ${dayInWords(c.periodEnd)}`;
}

/** The return in a line: its period, and the spend reported (null until submitted). */
const monitoringReturnSummary = (c: MonitoringReturnContext): CaseLine => ({
  // Said as a payment is: the period, and the day it is due.
  title: `${returnTitle(c)}${isIsoDate(c.dueOn) ? `, due ${dayInWords(c.dueOn)}` : ''}`,
  amountPence: c.latestReturn?.spendPence ?? null,
});

export const monitoringReturn = defineMachine({
  id: 'monitoring-return',
  // 2: an overdue or queried return holds its award's payments until accepted; accepting records
  // the spend and any underspend.
  // 3: an officer re-dates a return not yet in, or waives one, with a reason. Since then, compatibly:
  // the domain withdraws a return not yet in when the award ends before its period (WITHDRAW_RETURN,
  // to a new final state), a return is submitted from its period's last day, and a submission may
  // explain spend above the award's value (absent on older ones: none given).
  // 4: a return reports on its programme's measures, copied into it when opened, rather than on
  // victims supported and cope-and-recover for every cycle.
  version: 4,
  upgradeFrom: { version: 3, context: (c: MonitoringReturnContextV3) => upgradeToMeasures(c) },
  referencePrefix: 'MR',
  ownerKinds: ['provider', 'communitySafetyPartnership'],
  messages: monitoringReturnTemplates,
  context: contextSchema,
  summary: monitoringReturnSummary,
  title: 'Monitoring return',
  description:
    "A provider's monitoring return for one award and one period: performance, the programme's outcome measures and spend, checked by an officer.",
  machine,
  input: creationInput,
  createdBy: ['officer'],
  reportsMeasures: { measures: 'measures', figures: ['latestReturn', 'measures'], dueOn: 'dueOn' },
  states: {
    due: { label: 'Return due' },
    late: { label: 'Return overdue' },
    // The office's service standard for checking a return, so the officer's work says when it is due.
    submitted: { label: 'Return submitted', answerWithin: { workingDays: 10, what: 'Check the return' } },
    queried: { label: 'Return queried' },
    accepted: { label: 'Return accepted' },
    waived: { label: 'Return waived' },
    withdrawn: { label: 'Return withdrawn: no longer needed' },
  },
  events: {
    SUBMIT_RETURN: {
      label: 'Submit the monitoring return',
      payload: returnPayload,
      sentBy: ['owner'],
      ownerPermission: 'fileReturns',
      reportsSpend: spendReport,
      check: checkReturn,
    },
    RESUBMIT_RETURN: {
      label: 'Resubmit the monitoring return',
      payload: returnPayload,
      sentBy: ['owner'],
      ownerPermission: 'fileReturns',
      reportsSpend: spendReport,
      check: checkFigures,
    },
    ACCEPT_RETURN: { label: 'Accept the return', payload: emptyPayload, sentBy: ['officer'] },
    QUERY_RETURN: { label: 'Query the return', payload: queryPayload, sentBy: ['officer'] },
    REDATE_RETURN: {
      label: 'Give the return a new due date',
      payload: redatePayload,
      sentBy: ['officer'],
      check: checkRedate,
      // A correction an officer may make at any time: a return due is the provider's work, not theirs.
      whenever: true,
    },
    WAIVE_RETURN: {
      label: 'Waive the return',
      payload: waivePayload,
      sentBy: ['officer'],
      irreversible: true,
      whenever: true,
    },
    WITHDRAW_RETURN: {
      label: 'Withdraw the return: the award ended before its period',
      payload: withdrawPayload,
      sentBy: ['system'],
    },
    RETURN_DUE_SOON: { label: 'Return due soon', payload: emptyPayload, sentBy: ['system'] },
    RETURN_OVERDUE: { label: 'Return overdue', payload: emptyPayload, sentBy: ['system'] },
  },
});
