// A commissioning round: the programme itself, owned by the OPCC. Planned on a needs assessment and
// commissioning intentions, launched with the approver's signature, open for bids until its deadline
// (a `schedule` timer at the round's closesAt), then assessed, decided, monitored and evaluated, and
// finished or re-commissioned. Bid cases elsewhere ask the engine (requireOpenRound) whether this
// round is in `open`; this machine only has to be in that state. Pure: no clock, no I/O.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  type CaseLine,
  deadlineNotPassed,
  defineMachine,
  engineActions,
  type FieldProblem,
  guardFrom,
  hidden,
  isoInstant,
  moneyActions,
  type Now,
  notify,
  type ProgrammeInput,
  programmeId,
  type Recipient,
  reason,
  reasonPayload,
  scheduleAt,
  shortText,
  textarea,
} from './define.ts';
import { commissioningRoundTemplates } from './mail/commissioning-round.ts';

/**
 * The messages this machine sends; their words are in ./mail/commissioning-round.ts. The OPCC owns the
 * round and has no providers: staff are told.
 */
export const commissioningRoundMessages = ['launchAwaitingApproval', 'roundOpened', 'roundClosed'] as const;
export type CommissioningRoundMessage = (typeof commissioningRoundMessages)[number];
const tell = (message: CommissioningRoundMessage, ...to: Recipient[]) => notify(message, ...to);

export interface NeedsAssessment {
  summary: string;
  evidence: string;
}
export interface Intentions {
  summary: string;
}
export interface RoundEvaluation {
  outcomesAchieved: string;
  lessons: string;
  againstPlan: string;
}
/** One move of the deadline: from the instant it was (null: the round had none) to the new one. */
export interface DeadlineExtension {
  from: string | null;
  to: string;
}
/** The round that takes over; that round links back through its own programme. */
export interface Recommission {
  newProgrammeId: string;
  reason: string;
}
export interface CommissioningRoundContext {
  programmeId: string;
  /** The programme's name, so messages name the round; null when the domain gave no programme. */
  title: string | null;
  /** When bids close (an ISO instant, UTC); null for "only CLOSE_EARLY closes it". */
  closesAt: string | null;
  needsAssessment: NeedsAssessment | null;
  intentions: Intentions | null;
  /** The approver's reasons, each time a launch was refused, oldest first. */
  launchRefusals: string[];
  deadlineExtensions: DeadlineExtension[];
  earlyCloseReason: string | null;
  /** Each time the round was opened again before assessment started: the new deadline and why. */
  reopenings: { closesAt: string; reason: string }[];
  evaluation: RoundEvaluation | null;
  recommission: Recommission | null;
}

/** The client's creation input plus the programme settings the domain layer adds. */
export type CommissioningRoundInput = { programmeId: string } & ProgrammeInput;

const creationInput = z.strictObject({
  programmeId: programmeId.meta({ title: 'Programme', hint: 'The programme this round commissions for' }),
});

const longText = (what: string) => shortText(5000, what);
const emptyPayload = z.strictObject({});
const refuseLaunchPayload = reasonPayload('Why the launch is refused');
const closeEarlyPayload = reasonPayload('Why the round is closing to bids early');
const needsAssessmentPayload = z.strictObject({
  summary: longText('a summary of the needs assessment').meta({
    title: 'Summary of the needs assessment',
    hint: 'The needs the round is to meet, and whose needs they are',
    widget: 'textarea',
  }),
  evidence: longText('the evidence of need').meta({
    title: 'Evidence of need',
    hint: 'The data, consultation and research the assessment rests on',
    widget: 'textarea',
  }),
});
const intentionsPayload = z.strictObject({
  summary: longText('the commissioning intentions').meta({
    title: 'Commissioning intentions',
    hint: 'What the round will commission, and the outcomes it should achieve',
    widget: 'textarea',
  }),
});
const extendPayload = z.strictObject({
  closesAt: isoInstant.meta({ title: 'New deadline for bids', hint: 'Later than the current deadline' }),
});
const reopenPayload = z.strictObject({
  closesAt: isoInstant.meta({ title: 'New deadline for bids', hint: 'Bids are taken again until then' }),
  reason: reason.meta({ title: 'Why the round is opening to bids again' }),
});
const evaluationPayload = z.strictObject({
  outcomesAchieved: longText('the outcomes achieved').meta({
    title: 'Outcomes achieved',
    widget: 'textarea',
  }),
  lessons: longText('the lessons learned').meta({ title: 'Lessons learned', widget: 'textarea' }),
  againstPlan: longText('how the round went against the plan').meta({
    title: 'How the round went against the plan',
    hint: 'Compare what was delivered with the needs assessment and the commissioning intentions',
    widget: 'textarea',
  }),
});
const recommissionPayload = z.strictObject({
  newProgrammeId: programmeId.meta({
    title: 'Programme of the new round',
    hint: 'The programme whose round takes over from this one',
  }),
  reason: reason.meta({ title: 'Why the services are being re-commissioned' }),
});

type ReasonPayload = { reason: string };
type NeedsAssessmentPayload = z.output<typeof needsAssessmentPayload>;
type IntentionsPayload = z.output<typeof intentionsPayload>;
type ExtendPayload = z.output<typeof extendPayload>;
type ReopenPayload = z.output<typeof reopenPayload>;
type EvaluationPayload = z.output<typeof evaluationPayload>;
type RecommissionPayload = z.output<typeof recommissionPayload>;

export type CommissioningRoundEvent =
  | ({ type: 'REOPEN' } & ReopenPayload)
  | ({ type: 'RECORD_NEEDS_ASSESSMENT' } & NeedsAssessmentPayload)
  | ({ type: 'RECORD_INTENTIONS' } & IntentionsPayload)
  | { type: 'REQUEST_LAUNCH' }
  | { type: 'APPROVE_LAUNCH' }
  | ({ type: 'REFUSE_LAUNCH' } & ReasonPayload)
  | { type: 'BIDS_CLOSED' }
  | ({ type: 'CLOSE_EARLY' } & ReasonPayload)
  | ({ type: 'EXTEND_DEADLINE' } & ExtendPayload)
  | { type: 'START_ASSESSMENT' }
  | { type: 'START_DECISIONS' }
  | { type: 'START_MONITORING' }
  | { type: 'START_EVALUATION' }
  | ({ type: 'RECORD_EVALUATION' } & EvaluationPayload)
  | { type: 'FINISH' }
  | ({ type: 'RECOMMISSION' } & RecommissionPayload);

/** An ISO instant in one form (UTC, milliseconds), so instants compare and store alike. */
const instant = (value: string | null | undefined): string | null =>
  value ? new Date(value).toISOString() : null;

/** A round opened again takes bids until a deadline that has not passed (not before today, London). */
export const checkReopen = (_c: CommissioningRoundContext, p: ReopenPayload, now?: Now): FieldProblem[] =>
  deadlineNotPassed('closesAt', p.closesAt, now);

/** A round rests on a needs assessment and the commissioning intentions drawn from it. */
export const checkLaunch = (context: CommissioningRoundContext): FieldProblem[] => [
  ...(context.needsAssessment
    ? []
    : [
        {
          field: 'needsAssessment',
          message: 'Record the needs assessment before asking to launch the round',
        },
      ]),
  ...(context.intentions
    ? []
    : [
        {
          field: 'intentions',
          message: 'Record the commissioning intentions before asking to launch the round',
        },
      ]),
];

/** A deadline may only move later; a round without one may be given any. */
export const checkExtend = (context: CommissioningRoundContext, payload: ExtendPayload): FieldProblem[] =>
  context.closesAt === null || Date.parse(payload.closesAt) > Date.parse(context.closesAt)
    ? []
    : [
        {
          field: 'closesAt',
          message: `The new deadline must be after the current one (${context.closesAt})`,
        },
      ];

/** A round is finished or re-commissioned only on its evaluation. */
export const checkFinish = (context: CommissioningRoundContext): FieldProblem[] =>
  context.evaluation ? [] : [{ field: 'evaluation', message: 'Record the evaluation of the round first' }];

export const checkRecommission = (
  context: CommissioningRoundContext,
  payload: RecommissionPayload,
): FieldProblem[] => [
  ...checkFinish(context),
  ...(payload.newProgrammeId === context.programmeId
    ? [{ field: 'newProgrammeId', message: "The new round needs a programme of its own, not this round's" }]
    : []),
];

const machine = setup({
  types: {
    context: {} as CommissioningRoundContext,
    events: {} as CommissioningRoundEvent,
    input: {} as CommissioningRoundInput,
  },
  actions: {
    ...engineActions,
    ...moneyActions,
    recordNeedsAssessment: assign(({ event }) =>
      event.type === 'RECORD_NEEDS_ASSESSMENT'
        ? { needsAssessment: { summary: event.summary, evidence: event.evidence } }
        : {},
    ),
    recordIntentions: assign(({ event }) =>
      event.type === 'RECORD_INTENTIONS' ? { intentions: { summary: event.summary } } : {},
    ),
    recordRefusal: assign(({ context, event }) =>
      event.type === 'REFUSE_LAUNCH' ? { launchRefusals: [...context.launchRefusals, event.reason] } : {},
    ),
    recordEarlyClose: assign(({ event }) =>
      event.type === 'CLOSE_EARLY' ? { earlyCloseReason: event.reason } : {},
    ),
    recordExtension: assign(({ context, event }) => {
      if (event.type !== 'EXTEND_DEADLINE') return {};
      const to = instant(event.closesAt)!;
      return {
        closesAt: to,
        deadlineExtensions: [...context.deadlineExtensions, { from: context.closesAt, to }],
      };
    }),
    recordReopening: assign(({ context, event }) =>
      event.type === 'REOPEN'
        ? {
            closesAt: instant(event.closesAt),
            reopenings: [...context.reopenings, { closesAt: instant(event.closesAt)!, reason: event.reason }],
          }
        : {},
    ),
    recordEvaluation: assign(({ event }) =>
      event.type === 'RECORD_EVALUATION'
        ? {
            evaluation: {
              outcomesAchieved: event.outcomesAchieved,
              lessons: event.lessons,
              againstPlan: event.againstPlan,
            },
          }
        : {},
    ),
    recordRecommission: assign(({ event }) =>
      event.type === 'RECOMMISSION'
        ? { recommission: { newProgrammeId: event.newProgrammeId, reason: event.reason } }
        : {},
    ),
  },
  guards: {
    readyToLaunch: guardFrom(checkLaunch),
    laterDeadline: guardFrom(checkExtend),
    deadlineAhead: guardFrom(checkReopen),
    evaluated: guardFrom(checkFinish),
    canRecommission: guardFrom(checkRecommission),
  },
}).createMachine({
  id: 'commissioning-round',
  initial: 'planning',
  context: ({ input }) => ({
    programmeId: input.programmeId,
    title: input.programme?.name ?? null,
    closesAt: instant(input.programme?.closesAt),
    needsAssessment: null,
    intentions: null,
    launchRefusals: [],
    deadlineExtensions: [],
    earlyCloseReason: null,
    reopenings: [],
    evaluation: null,
    recommission: null,
  }),
  states: {
    planning: {
      on: {
        RECORD_NEEDS_ASSESSMENT: { actions: 'recordNeedsAssessment' },
        RECORD_INTENTIONS: { actions: 'recordIntentions' },
        REQUEST_LAUNCH: {
          guard: 'readyToLaunch',
          target: 'awaitingLaunchApproval',
          actions: tell('launchAwaitingApproval', 'approver'),
        },
      },
    },
    awaitingLaunchApproval: {
      on: {
        APPROVE_LAUNCH: { target: 'open', actions: tell('roundOpened', 'officer') },
        REFUSE_LAUNCH: { target: 'planning', actions: 'recordRefusal' },
      },
    },
    open: {
      // Re-entered by EXTEND_DEADLINE, so the timer is set again at the new instant.
      entry: scheduleAt<CommissioningRoundContext>('bidsClosed', 'BIDS_CLOSED', (context) =>
        context.closesAt ? new Date(context.closesAt) : null,
      ),
      on: {
        BIDS_CLOSED: { target: 'closed' },
        CLOSE_EARLY: { target: 'closed', actions: 'recordEarlyClose' },
        EXTEND_DEADLINE: {
          guard: 'laterDeadline',
          target: 'open',
          reenter: true,
          actions: 'recordExtension',
        },
      },
    },
    closed: {
      entry: tell('roundClosed', 'officer'),
      on: {
        START_ASSESSMENT: { target: 'assessment' },
        // A correction, before assessment starts: bids are taken again until the new deadline.
        REOPEN: { guard: 'deadlineAhead', target: 'open', actions: 'recordReopening' },
      },
    },
    assessment: { on: { START_DECISIONS: { target: 'decisions' } } },
    decisions: { on: { START_MONITORING: { target: 'monitoring' } } },
    monitoring: { on: { START_EVALUATION: { target: 'evaluation' } } },
    evaluation: {
      on: {
        RECORD_EVALUATION: { actions: 'recordEvaluation' },
        FINISH: { guard: 'evaluated', target: 'finished' },
        RECOMMISSION: { guard: 'canRecommission', target: 'recommissioned', actions: 'recordRecommission' },
      },
    },
    finished: { type: 'final' },
    recommissioned: { type: 'final' },
  },
});

// ---- How a case reads to people --------------------------------------------------------------

/** The context, field by field, in the order the case page shows it. */
const contextSchema = z.object({
  title: z.string().nullable().meta({ title: 'Programme' }),
  closesAt: isoInstant.nullable().meta({
    title: 'Bids close at',
    hint: 'When there is no deadline, the round closes only when an officer closes it',
  }),
  needsAssessment: z
    .object({
      summary: z.string().meta({ title: 'Summary of the needs assessment', ...textarea }),
      evidence: z.string().meta({ title: 'Evidence of need', ...textarea }),
    })
    .nullable()
    .meta({ title: 'Needs assessment' }),
  intentions: z
    .object({ summary: z.string().meta({ title: 'Commissioning intentions', ...textarea }) })
    .nullable()
    .meta({ title: 'Commissioning intentions' }),
  evaluation: z
    .object({
      outcomesAchieved: z.string().meta({ title: 'Outcomes achieved', ...textarea }),
      lessons: z.string().meta({ title: 'Lessons learned', ...textarea }),
      againstPlan: z.string().meta({ title: 'How the round went against the plan', ...textarea }),
    })
    .nullable()
    .meta({ title: 'Evaluation of the round' }),
  recommission: z
    .object({
      newProgrammeId: z.string().meta({ title: 'Programme of the new round', ...hidden }),
      reason: z.string().meta({ title: 'Why the services are being re-commissioned', ...textarea }),
    })
    .nullable()
    .meta({ title: 'Re-commissioned' }),
  launchRefusals: z
    .array(z.string().meta({ title: 'Why the launch was refused', ...textarea }))
    .meta({ title: 'Launches refused' }),
  deadlineExtensions: z
    .array(
      z.object({
        from: isoInstant.nullable().meta({ title: 'Deadline before' }),
        to: isoInstant.meta({ title: 'New deadline' }),
      }),
    )
    .meta({ title: 'Deadline extensions' }),
  earlyCloseReason: z
    .string()
    .nullable()
    .meta({ title: 'Why the round closed to bids early', ...textarea }),
  reopenings: z
    .array(
      z.object({
        closesAt: isoInstant.meta({ title: 'New deadline for bids' }),
        reason: z.string().meta({ title: 'Why the round opened to bids again', ...textarea }),
      }),
    )
    .meta({ title: 'Opened to bids again' }),
  programmeId: z.string().meta({ title: 'Programme id', ...hidden }),
});

/** The round is known by its programme's name; it commits no money of its own. */
const summarise = (c: CommissioningRoundContext): CaseLine => ({
  title: c.title ?? 'Commissioning round (programme not named)',
  amountPence: null,
});

export const commissioningRound = defineMachine({
  id: 'commissioning-round',
  // 2: a round closed (early or at its deadline) may be opened again, with a reason, until assessment starts.
  version: 2,
  upgradeFrom: {
    version: 1,
    context: (c: Omit<CommissioningRoundContext, 'reopenings'>): CommissioningRoundContext => ({
      ...c,
      reopenings: [],
    }),
  },
  referencePrefix: 'RND',
  ownerKinds: ['commissioner'],
  messages: commissioningRoundTemplates,
  context: contextSchema,
  summary: summarise,
  title: 'Commissioning round',
  description:
    'One commissioning round of a programme: planned on a needs assessment, launched with approval, open for bids until its deadline, then assessed, decided, monitored, evaluated and finished or re-commissioned.',
  machine,
  input: creationInput,
  createdBy: ['officer'],
  states: {
    planning: { label: 'Planning' },
    awaitingLaunchApproval: { label: 'Awaiting approval to launch' },
    open: { label: 'Open for bids' },
    closed: { label: 'Closed to bids' },
    assessment: { label: 'Assessing bids' },
    decisions: { label: 'Making decisions' },
    monitoring: { label: 'Monitoring awards' },
    evaluation: { label: 'Evaluating the round' },
    finished: { label: 'Finished' },
    recommissioned: { label: 'Re-commissioned' },
  },
  events: {
    RECORD_NEEDS_ASSESSMENT: {
      label: 'Record the needs assessment',
      payload: needsAssessmentPayload,
      sentBy: ['officer'],
    },
    RECORD_INTENTIONS: {
      label: 'Record the commissioning intentions',
      payload: intentionsPayload,
      sentBy: ['officer'],
    },
    REQUEST_LAUNCH: {
      label: 'Ask for approval to launch the round',
      payload: emptyPayload,
      sentBy: ['officer'],
      check: checkLaunch,
    },
    APPROVE_LAUNCH: { label: 'Approve the launch', payload: emptyPayload, sentBy: ['approver'] },
    REFUSE_LAUNCH: { label: 'Refuse the launch', payload: refuseLaunchPayload, sentBy: ['approver'] },
    BIDS_CLOSED: { label: 'Bids closed at the deadline', payload: emptyPayload, sentBy: ['system'] },
    CLOSE_EARLY: { label: 'Close the round to bids early', payload: closeEarlyPayload, sentBy: ['officer'] },
    EXTEND_DEADLINE: {
      label: 'Extend the deadline for bids',
      payload: extendPayload,
      sentBy: ['officer'],
      check: checkExtend,
    },
    REOPEN: {
      label: 'Open the round to bids again',
      payload: reopenPayload,
      sentBy: ['officer'],
      check: checkReopen,
    },
    START_ASSESSMENT: { label: 'Start assessing bids', payload: emptyPayload, sentBy: ['officer'] },
    START_DECISIONS: { label: 'Start making decisions', payload: emptyPayload, sentBy: ['officer'] },
    START_MONITORING: { label: 'Start monitoring awards', payload: emptyPayload, sentBy: ['officer'] },
    START_EVALUATION: { label: 'Start evaluating the round', payload: emptyPayload, sentBy: ['officer'] },
    RECORD_EVALUATION: { label: 'Record the evaluation', payload: evaluationPayload, sentBy: ['officer'] },
    FINISH: { label: 'Finish the round', payload: emptyPayload, sentBy: ['officer'], check: checkFinish },
    RECOMMISSION: {
      label: 'Re-commission in a new round',
      payload: recommissionPayload,
      sentBy: ['officer'],
      check: checkRecommission,
    },
  },
});
