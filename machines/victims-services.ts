// Victims' services: support services (IDVAs, ISVAs, counselling, road-death bereavement,
// exploitation support) commissioned from the Ministry of Justice victims grant. Bid → due
// diligence → panel scoring (scores are domain data) → moderation → recommendation → offer → grant
// agreement → live, with annual reviews and variations. The recommendation and a variation's approval
// are decisions: the rulebook (src/engine/rulebook.ts) holds them for the approver's signature above
// the programme's delegation threshold, so this machine has no signing of its own.
// Money: `committedPence` is what this case has committed to its fund, net; each change to the award
// commits or releases the difference. The agreement builds the payment schedule, and ending the grant
// (TERMINATE, COMPLETE, a review that discontinues) releases what was never paid.
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { dayInWords } from './calendar.ts';
import {
  atMost,
  type CaseLine,
  checkOwnDeadline,
  commitFunds,
  defineMachine,
  type EventSpec,
  engineActions,
  type FieldProblem,
  guardFrom,
  hidden,
  isoDate,
  isoInstant,
  moneyActions,
  type Now,
  notify,
  type OwnDeadline,
  ownDeadlinePayload,
  type ProgrammeInput,
  payloadOf,
  paymentActions,
  paymentProfiles,
  pence,
  positivePence,
  programmeId,
  quorumReason,
  type Recipient,
  reason,
  reasonPayload,
  releaseFunds,
  releaseUnpaid,
  remainderPlaces,
  requireOpenRound,
  type ScoringCriterion,
  type Sender,
  schedulePayments,
  shortText,
  textarea,
  victimsMeasures,
  weightedScore,
} from './define.ts';
import { victimsServicesTemplates } from './mail/victims-services.ts';
import { OFFER_LAPSES_AFTER_MS, OFFER_REMINDER_AFTER_MS } from './messages.ts';

/** An offer not accepted within 28 days lapses; the provider is reminded a week before (./messages.ts). */
export { OFFER_LAPSES_AFTER_MS, OFFER_REMINDER_AFTER_MS };
export const MAX_SCORE = 5;
/** Without a programme every award, and every increase, needs the approver: the safe default. */
export const DEFAULT_DELEGATION_THRESHOLD_PENCE = 0;

/** The messages this machine sends; their words are in ./mail/victims-services.ts. */
export const victimsServicesMessages = [
  'bidReceived',
  'bidIneligible',
  'bidDeclined',
  'offerMade',
  'offerLapsing',
  'offerLapsed',
  'agreementSigned',
  'variationDecided',
  'terminated',
  'deadlineExtended',
] as const;
export type VictimsServicesMessage = (typeof victimsServicesMessages)[number];
const tell = (message: VictimsServicesMessage, ...to: Recipient[]) => notify(message, ...to);

export const services = ['idva', 'isva', 'counselling', 'bereavement', 'exploitation', 'other'] as const;
export const reviewDecisions = ['continue', 'amend', 'discontinue'] as const;
export const dueDiligenceChecks = ['safeguardingPolicy', 'insurance', 'accounts', 'governance'] as const;

const serviceOptions = {
  idva: 'Independent domestic violence advisers (IDVA)',
  isva: 'Independent sexual violence advisers (ISVA)',
  counselling: 'Counselling and therapy',
  bereavement: 'Support for people bereaved by a road death',
  exploitation: 'Support for victims of exploitation',
  other: "Another victims' service",
} as const satisfies Record<(typeof services)[number], string>;
const paymentProfileOptions = {
  quarterlyInAdvance: 'Quarterly in advance',
  quarterlyInArrears: 'Quarterly in arrears',
  instalments: 'In instalments',
  oneOff: 'In one payment',
} as const satisfies Record<(typeof paymentProfiles)[number], string>;
const remainderOptions = {
  first: 'The first instalment',
  last: 'The last instalment',
} as const satisfies Record<(typeof remainderPlaces)[number], string>;
const reviewDecisionOptions = {
  continue: 'Continue the service as agreed',
  amend: 'Change the agreement (a variation)',
  discontinue: 'Stop the service',
} as const satisfies Record<(typeof reviewDecisions)[number], string>;
const recommendationOptions = { award: 'Fund the bid', decline: 'Do not fund the bid' } as const;
const variationDecisionOptions = {
  approved: 'Approved',
  signed: 'Approved and signed',
  rejected: 'Rejected',
} as const;
const dueDiligenceTitles = {
  safeguardingPolicy: 'Safeguarding policy',
  insurance: 'Insurance',
  accounts: 'Accounts',
  governance: 'Governance',
} as const satisfies Record<(typeof dueDiligenceChecks)[number], string>;

const bidTitle = {
  title: 'Title of the bid',
  hint: 'A short name for the service, which people will know it by',
};
const creationInput = z.strictObject({
  programmeId: programmeId.meta({ title: 'Programme', hint: 'The commissioning round the bid is for' }),
  title: shortText(200, 'the title of the bid').optional().meta(bidTitle),
});
const submitPayload = z.strictObject({
  title: shortText(200, 'the title of the bid').meta(bidTitle),
  summary: shortText(5000, 'a summary of the service').meta({
    title: 'Summary of the service',
    hint: 'What the service will do, who it is for and the outcomes it will achieve',
    widget: 'textarea',
  }),
  amountRequestedPence: positivePence.meta({
    title: 'Amount requested',
    hint: 'The total for the whole service period',
  }),
  startsOn: isoDate.meta({ title: 'Service starts on' }),
  endsOn: isoDate.meta({ title: 'Service ends on' }),
  service: z
    .enum(services, { error: 'Choose the kind of service' })
    .meta({ title: 'Kind of service', options: serviceOptions }),
});
const passed = z.boolean({ error: 'Answer true or false' });
const dueDiligencePayload = z.strictObject({
  checks: z
    .strictObject(
      {
        safeguardingPolicy: passed.meta({ title: 'The safeguarding policy is satisfactory' }),
        insurance: passed.meta({ title: 'The insurance is satisfactory' }),
        accounts: passed.meta({ title: 'The accounts are satisfactory' }),
        governance: passed.meta({ title: 'The governance is satisfactory' }),
      },
      { error: 'Say which due diligence checks passed' },
    )
    .meta({
      title: 'Due diligence checks',
      hint: 'Every check must pass. If any does not, fail due diligence instead.',
    }),
});
const emptyPayload = z.strictObject({});
const failDueDiligencePayload = reasonPayload('Why the bid did not pass due diligence');
const declineOfferPayload = reasonPayload('Why you are declining the offer');
const rejectVariationPayload = reasonPayload('Why the variation is rejected');
const terminatePayload = reasonPayload('Why the grant is being terminated');
const withdrawPayload = reasonPayload('Why you are withdrawing the bid');
const scoreError = { error: 'Scores are whole numbers from 0 to 5' };
const score = z.number(scoreError).int(scoreError).min(0, scoreError).max(MAX_SCORE, scoreError);
// The rationale is asked for by the rulebook when a moderated score is away from the panel's mean.
const moderatePayload = z.strictObject({
  scores: z
    .record(z.string(), score, { error: 'Give a moderated score for each criterion' })
    .meta({ title: 'Moderated scores', hint: 'Score each criterion from 0 to 5', widget: 'scores' }),
  rationale: reason.optional().meta({
    title: 'Reasons for the moderated scores',
    hint: "Needed where a score is more than half a point from the panel's average for that criterion",
  }),
});
const closeScoringPayload = z.strictObject(quorumReason);
const recommendAwardPayload = z.strictObject({
  amountPence: positivePence.meta({ title: 'Amount to award', hint: 'No more than the amount requested' }),
  rationale: reason.meta({ title: 'Reasons for the recommendation' }),
});
const recommendDeclinePayload = z.strictObject({
  rationale: reason.meta({ title: 'Reasons for not funding the bid' }),
});
const agreementPayload = z.strictObject({
  startsOn: isoDate.meta({ title: 'Agreement starts on' }),
  endsOn: isoDate.meta({ title: 'Agreement ends on' }),
  amountPence: positivePence.meta({ title: 'Amount of the grant', hint: 'No more than the amount offered' }),
  instalments: z
    .number({ error: 'Enter the number of instalments as a whole number from 2 to 12' })
    .int({ error: 'Enter the number of instalments as a whole number from 2 to 12' })
    .min(2, { error: 'Enter the number of instalments as a whole number from 2 to 12' })
    .max(12, { error: 'Enter the number of instalments as a whole number from 2 to 12' })
    .optional()
    .meta({ title: 'Number of instalments', hint: 'Only when the grant is paid in instalments: 2 to 12' }),
  paymentProfile: z
    .enum(paymentProfiles, { error: 'Choose a payment profile' })
    .meta({ title: 'How the grant is paid', options: paymentProfileOptions }),
  remainderIn: z.enum(remainderPlaces, { error: 'Choose the first or the last instalment' }).optional().meta({
    title: 'Which payment takes the odd pence',
    hint: 'Where the amount does not divide evenly. If you do not say, the last.',
    options: remainderOptions,
  }),
});
const reviewPayload = z.strictObject({
  decision: z
    .enum(reviewDecisions, { error: 'Choose the outcome of the review' })
    .meta({ title: 'Outcome of the review', options: reviewDecisionOptions }),
  notes: reason.meta({
    title: 'Notes of the review',
    hint: 'To change the agreement, say what should change and why',
  }),
});
const variationChange = {
  amountPence: positivePence.meta({
    title: 'New total amount of the grant',
    hint: 'Leave blank if the amount does not change',
  }),
  endsOn: isoDate.meta({ title: 'New end date', hint: 'Leave blank if the end date does not change' }),
  outcomes: shortText(2000, 'the new outcomes').meta({
    title: 'New outcomes',
    hint: 'Leave blank if the outcomes do not change',
    widget: 'textarea',
  }),
};
const variationPayload = z.strictObject({
  amountPence: variationChange.amountPence.optional(),
  endsOn: variationChange.endsOn.optional(),
  outcomes: variationChange.outcomes.optional(),
  reason: reason.meta({ title: 'Why the change is needed' }),
});

type Out<S extends z.ZodType> = z.output<S>;
/** One union member per event type, so Extract<VictimsServicesEvent, { type: T }> finds each. */
type Each<T extends string, Payload = unknown> = T extends string ? { type: T } & Payload : never;
export type VictimsServicesEvent =
  | Each<'SUBMIT', Out<typeof submitPayload>>
  | Each<'PASS_DUE_DILIGENCE', Out<typeof dueDiligencePayload>>
  | Each<'FAIL_DUE_DILIGENCE' | 'TERMINATE' | 'REJECT_VARIATION', { reason: string }>
  | Each<'WITHDRAW' | 'DECLINE_OFFER', { reason?: string }>
  | Each<'CLOSE_SCORING' | 'ACCEPT_OFFER' | 'COMPLETE' | 'APPROVE_VARIATION'>
  | Each<'MODERATE', Out<typeof moderatePayload>>
  | Each<'RECOMMEND_AWARD', Out<typeof recommendAwardPayload>>
  | Each<'RECOMMEND_DECLINE', Out<typeof recommendDeclinePayload>>
  | Each<'SIGN_AGREEMENT', Out<typeof agreementPayload>>
  | Each<'ANNUAL_REVIEW', Out<typeof reviewPayload>>
  | Each<'REQUEST_VARIATION', Out<typeof variationPayload>>
  | Each<'EXTEND_OWN_DEADLINE', Out<typeof ownDeadlinePayload>>;
type EventType = VictimsServicesEvent['type'];
type Payload<T extends EventType> = Omit<Extract<VictimsServicesEvent, { type: T }>, 'type'>;

export interface VictimsServicesVariation {
  /** A request (from the provider or an officer), or an annual review that decided to amend. */
  requestedBy: 'REQUEST_VARIATION' | 'ANNUAL_REVIEW';
  amountPence: number | null;
  endsOn: string | null;
  outcomes: string | null;
  reason: string;
  /** The award and end date when it was requested, so each variation shows what it changed. */
  previousAmountPence: number | null;
  previousEndsOn: string | null;
  /** 'signed' only in variations decided under version 2, when the machine did its own signing. */
  decision: 'approved' | 'signed' | 'rejected' | null;
  decisionReason: string | null;
}
export interface VictimsServicesContext {
  programmeId: string | null;
  maxAwardPence: number | null;
  delegationThresholdPence: number;
  criteria: ScoringCriterion[];
  title: string | null;
  summary: string | null;
  service: (typeof services)[number] | null;
  amountRequestedPence: number | null;
  startsOn: string | null;
  endsOn: string | null;
  dueDiligence: Payload<'PASS_DUE_DILIGENCE'>['checks'] | null;
  moderatedScores: Record<string, number> | null;
  weightedScore: number | null;
  rationale: string | null;
  recommendation: { decision: 'award' | 'decline'; amountPence: number | null; rationale: string } | null;
  /** The current award: as offered, then as agreed, then as varied. */
  awardedPence: number | null;
  /** What this case has committed against its fund, net of releases. */
  committedPence: number;
  /** The agreement's current terms (variations change amountPence and endsOn). */
  agreement: (Omit<Payload<'SIGN_AGREEMENT'>, 'instalments'> & { instalments: number | null }) | null;
  /** Outcomes as varied; null while the bid's summary stands. */
  outcomes: string | null;
  reviews: Pick<Payload<'ANNUAL_REVIEW'>, 'decision' | 'notes'>[];
  pendingVariation: VictimsServicesVariation | null;
  variations: VictimsServicesVariation[];
  reasons: { event: EventType; reason: string }[];
  /** A later deadline an officer gave this applicant alone, with the reason; null while there is none. */
  ownDeadline: OwnDeadline | null;
}
export type VictimsServicesInput = { programmeId?: string; title?: string } & ProgrammeInput;
type Ctx = VictimsServicesContext;

const problem = (field: string, message: string): FieldProblem[] => [{ field, message }];
const endsAfterStart = (startsOn: string | null | undefined, endsOn: string | undefined) =>
  startsOn && endsOn && endsOn <= startsOn
    ? problem('endsOn', `Enter an end date after the start date, ${dayInWords(startsOn)}`)
    : [];
const withinCap = (ctx: Ctx, field: string, amount: number | undefined) =>
  ctx.maxAwardPence === null || amount === undefined
    ? []
    : atMost(field, amount, ctx.maxAwardPence, (cap) => `The most this programme awards is ${cap}`);

export const checkSubmit = (ctx: Ctx, p: Payload<'SUBMIT'>): FieldProblem[] => [
  ...withinCap(ctx, 'amountRequestedPence', p.amountRequestedPence),
  ...endsAfterStart(p.startsOn, p.endsOn),
];
export const checkDueDiligence = (_ctx: Ctx, p: Payload<'PASS_DUE_DILIGENCE'>): FieldProblem[] =>
  dueDiligenceChecks
    .filter((check) => p.checks[check] !== true)
    .flatMap((check) => problem(`checks.${check}`, 'Every check must pass, or fail due diligence instead'));
/** Exactly the programme's criteria, each scored 0 to 5. */
export const checkModerate = (ctx: Ctx, p: Payload<'MODERATE'>): FieldProblem[] => [
  ...ctx.criteria.flatMap(({ id, label }) => {
    const given = Object.hasOwn(p.scores, id) ? p.scores[id] : undefined;
    if (given === undefined) return problem(`scores.${id}`, `Give a score for ${label}`);
    const ok = Number.isInteger(given) && given >= 0 && given <= MAX_SCORE;
    return ok ? [] : problem(`scores.${id}`, 'Scores are whole numbers from 0 to 5');
  }),
  ...Object.keys(p.scores)
    .filter((id) => !ctx.criteria.some((c) => c.id === id))
    .flatMap((id) => problem(`scores.${id}`, "This is not one of the programme's criteria")),
];
export const checkRecommendAward = (ctx: Ctx, p: Payload<'RECOMMEND_AWARD'>): FieldProblem[] =>
  atMost('amountPence', p.amountPence, ctx.amountRequestedPence ?? 0, (asked) => {
    return `The award cannot be more than the ${asked} requested`;
  });
export const checkAgreement = (ctx: Ctx, p: Payload<'SIGN_AGREEMENT'>): FieldProblem[] => {
  const byInstalments = p.paymentProfile === 'instalments';
  return [
    ...atMost('amountPence', p.amountPence, ctx.awardedPence ?? 0, (awarded) => {
      return `The agreement cannot be for more than the ${awarded} awarded`;
    }),
    ...endsAfterStart(p.startsOn, p.endsOn),
    ...(byInstalments === (p.instalments !== undefined)
      ? []
      : byInstalments
        ? problem('instalments', 'Say how many instalments (2 to 12)')
        : problem('instalments', 'Give instalments only with the instalments payment profile')),
  ];
};
export const checkRequestVariation = (ctx: Ctx, p: Payload<'REQUEST_VARIATION'>): FieldProblem[] => {
  const fields = Object.keys(variationChange) as (keyof typeof variationChange)[];
  if (fields.every((field) => p[field] === undefined))
    return fields.flatMap((field) =>
      problem(field, 'Say what changes: the amount, the end date or the outcomes'),
    );
  return [
    ...withinCap(ctx, 'amountPence', p.amountPence),
    ...endsAfterStart(ctx.agreement?.startsOn, p.endsOn),
  ];
};
/** APPROVE_VARIATION: the pending variation must say what changes. */
export const checkApproveVariation = (ctx: Ctx): FieldProblem[] => {
  const v = ctx.pendingVariation;
  return v && (v.amountPence !== null || v.endsOn !== null || v.outcomes !== null)
    ? []
    : problem('variation', 'Nothing to approve yet: request the change (amount, end date or outcomes) first');
};
const increases = (ctx: Ctx) => (ctx.pendingVariation?.amountPence ?? 0) > (ctx.awardedPence ?? 0);
/** The award's total once the pending variation takes effect: what the rulebook weighs. */
export const totalAfterVariation = (ctx: Ctx): number =>
  ctx.pendingVariation?.amountPence ?? ctx.awardedPence ?? 0;

/** COMPLETE: only once the agreement has run its course; ending it sooner is a termination, with a reason. */
export const checkComplete = (ctx: Ctx, _p: Payload<'COMPLETE'>, now?: Now): FieldProblem[] => {
  const endsOn = ctx.agreement?.endsOn;
  return now && endsOn && now.today < endsOn
    ? problem(
        'agreement.endsOn',
        `The agreement runs until ${endsOn}: to end it sooner, terminate the grant and give the reasons`,
      )
    : [];
};

/** A variation as requested, with the terms it would change. */
const variation = (
  ctx: Ctx,
  requestedBy: VictimsServicesVariation['requestedBy'],
  p: Payload<'REQUEST_VARIATION'>,
): VictimsServicesVariation => ({
  requestedBy,
  amountPence: p.amountPence ?? null,
  endsOn: p.endsOn ?? null,
  outcomes: p.outcomes ?? null,
  reason: p.reason,
  previousAmountPence: ctx.awardedPence,
  previousEndsOn: ctx.agreement?.endsOn ?? null,
  decision: null,
  decisionReason: null,
});
const commitIncrease = commitFunds<Ctx>((c) => (c.awardedPence ?? 0) - c.committedPence);
const releaseDecrease = releaseFunds<Ctx>((c) => c.committedPence - (c.awardedPence ?? 0));
const releaseAll = releaseFunds<Ctx>((c) => c.committedPence);
/** The agreement's payment schedule; emitted after the commitment moves, so it pays what the award holds. */
const schedule = schedulePayments<Ctx>((c) => ({
  profile: c.agreement?.paymentProfile ?? 'oneOff',
  instalments: c.agreement?.instalments ?? null,
  remainderIn: c.agreement?.remainderIn ?? 'last',
  startsOn: c.agreement?.startsOn ?? null,
  endsOn: c.agreement?.endsOn ?? null,
}));

const machine = setup({
  types: { context: {} as Ctx, events: {} as VictimsServicesEvent, input: {} as VictimsServicesInput },
  actions: {
    ...engineActions,
    ...moneyActions,
    ...paymentActions,
    recordBid: assign(({ event }) => {
      if (event.type !== 'SUBMIT') return {};
      return payloadOf(event);
    }),
    recordDueDiligence: assign(({ event }) =>
      event.type === 'PASS_DUE_DILIGENCE' ? { dueDiligence: { ...event.checks } } : {},
    ),
    recordModeration: assign(({ context, event }) =>
      event.type !== 'MODERATE'
        ? {}
        : {
            moderatedScores: { ...event.scores },
            rationale: event.rationale,
            weightedScore: weightedScore(context.criteria, event.scores, MAX_SCORE),
          },
    ),
    recordRecommendation: assign(({ event }) => {
      if (event.type !== 'RECOMMEND_AWARD' && event.type !== 'RECOMMEND_DECLINE') return {};
      const award = event.type === 'RECOMMEND_AWARD';
      const amountPence = award ? event.amountPence : null;
      return {
        recommendation: { decision: award ? 'award' : 'decline', amountPence, rationale: event.rationale },
      };
    }),
    awardRecommended: assign(({ context }) => ({
      awardedPence: context.recommendation?.amountPence ?? null,
    })),
    settleCommitment: assign(({ context }) => ({ committedPence: context.awardedPence ?? 0 })),
    clearCommitment: assign({ committedPence: 0 }),
    recordAgreement: assign(({ event }) => {
      if (event.type !== 'SIGN_AGREEMENT') return {};
      const { instalments, ...terms } = payloadOf(event);
      return { agreement: { ...terms, instalments: instalments ?? null }, awardedPence: terms.amountPence };
    }),
    recordReview: assign(({ context, event }) => {
      if (event.type !== 'ANNUAL_REVIEW') return {};
      const reviews = [...context.reviews, { decision: event.decision, notes: event.notes }];
      if (event.decision !== 'amend') return { reviews };
      return { reviews, pendingVariation: variation(context, 'ANNUAL_REVIEW', { reason: event.notes }) };
    }),
    requestVariation: assign(({ context, event }) =>
      event.type === 'REQUEST_VARIATION'
        ? { pendingVariation: variation(context, 'REQUEST_VARIATION', event) }
        : {},
    ),
    decideVariation: assign(({ context, event }) => {
      const v = context.pendingVariation;
      if (!v) return {};
      if (event.type === 'REJECT_VARIATION') {
        const rejected = { ...v, decision: 'rejected' as const, decisionReason: event.reason };
        return { pendingVariation: null, variations: [...context.variations, rejected] };
      }
      const decision: VictimsServicesVariation['decision'] = 'approved';
      const awardedPence = v.amountPence ?? context.awardedPence;
      const terms = context.agreement;
      return {
        awardedPence,
        outcomes: v.outcomes ?? context.outcomes,
        pendingVariation: null,
        agreement: terms && { ...terms, amountPence: awardedPence ?? 0, endsOn: v.endsOn ?? terms.endsOn },
        variations: [...context.variations, { ...v, decision }],
      };
    }),
    recordOwnDeadline: assign(({ event }) =>
      event.type === 'EXTEND_OWN_DEADLINE'
        ? { ownDeadline: { closesAt: new Date(event.closesAt).toISOString(), reason: event.reason } }
        : {},
    ),
    recordReason: assign(({ context, event }) =>
      'reason' in event && event.reason !== undefined
        ? { reasons: [...context.reasons, { event: event.type, reason: event.reason }] }
        : {},
    ),
  },
  guards: {
    submittable: guardFrom(checkSubmit),
    dueDiligencePassed: guardFrom(checkDueDiligence),
    moderated: guardFrom(checkModerate),
    withinRequest: guardFrom(checkRecommendAward),
    agreementValid: guardFrom(checkAgreement),
    agreesLess: ({ context, event }) =>
      event.type === 'SIGN_AGREEMENT' && event.amountPence < (context.awardedPence ?? 0),
    reviewSays: ({ event }, decision: (typeof reviewDecisions)[number]) =>
      event.type === 'ANNUAL_REVIEW' && event.decision === decision,
    variationValid: guardFrom(checkRequestVariation),
    variationSaysWhat: guardFrom(checkApproveVariation),
    agreementEnded: guardFrom(checkComplete),
    ownDeadlineValid: guardFrom(checkOwnDeadline),
    increases: ({ context }) => increases(context),
    decreases: ({ context }) =>
      (context.pendingVariation?.amountPence ?? Infinity) < (context.awardedPence ?? 0),
  },
  delays: { offerReminderAfter: OFFER_REMINDER_AFTER_MS, offerLapsesAfter: OFFER_LAPSES_AFTER_MS },
}).createMachine({
  id: 'victims-services',
  initial: 'draft',
  context: ({ input }) => ({
    programmeId: input?.programmeId ?? input?.programme?.id ?? null,
    maxAwardPence: input?.programme?.maxAwardPence ?? null,
    delegationThresholdPence:
      input?.programme?.delegationThresholdPence ?? DEFAULT_DELEGATION_THRESHOLD_PENCE,
    criteria: (input?.programme?.criteria ?? []).map((c) => ({ ...c })),
    title: input?.title ?? null,
    summary: null,
    service: null,
    amountRequestedPence: null,
    startsOn: null,
    endsOn: null,
    dueDiligence: null,
    moderatedScores: null,
    weightedScore: null,
    rationale: null,
    recommendation: null,
    awardedPence: null,
    committedPence: 0,
    agreement: null,
    outcomes: null,
    reviews: [],
    pendingVariation: null,
    variations: [],
    reasons: [],
    ownDeadline: null,
  }),
  states: {
    draft: {
      on: {
        SUBMIT: {
          guard: 'submittable',
          target: 'dueDiligence',
          actions: [requireOpenRound, 'recordBid', tell('bidReceived', 'owner')],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
        EXTEND_OWN_DEADLINE: {
          guard: 'ownDeadlineValid',
          actions: ['recordOwnDeadline', tell('deadlineExtended', 'owner')],
        },
      },
    },
    dueDiligence: {
      on: {
        PASS_DUE_DILIGENCE: {
          guard: 'dueDiligencePassed',
          target: 'panelScoring',
          actions: 'recordDueDiligence',
        },
        FAIL_DUE_DILIGENCE: {
          target: 'ineligible',
          actions: ['recordReason', tell('bidIneligible', 'owner')],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' },
      },
    },
    panelScoring: {
      on: { CLOSE_SCORING: 'moderation', WITHDRAW: { target: 'withdrawn', actions: 'recordReason' } },
    },
    moderation: {
      on: { MODERATE: { guard: 'moderated', target: 'recommendation', actions: 'recordModeration' } },
    },
    recommendation: {
      on: {
        RECOMMEND_AWARD: {
          guard: 'withinRequest',
          target: 'offered',
          actions: ['recordRecommendation', 'awardRecommended', commitIncrease, 'settleCommitment'],
        },
        RECOMMEND_DECLINE: {
          target: 'declined',
          actions: ['recordRecommendation', tell('bidDeclined', 'owner')],
        },
      },
    },
    offered: {
      entry: tell('offerMade', 'owner'),
      on: {
        ACCEPT_OFFER: 'agreement',
        DECLINE_OFFER: { target: 'offerDeclined', actions: ['recordReason', releaseAll, 'clearCommitment'] },
      },
      after: {
        offerReminderAfter: { actions: tell('offerLapsing', 'owner') },
        offerLapsesAfter: {
          target: 'lapsed',
          actions: [releaseAll, 'clearCommitment', tell('offerLapsed', 'owner', 'officer')],
        },
      },
    },
    agreement: {
      on: {
        SIGN_AGREEMENT: [
          {
            guard: and(['agreementValid', 'agreesLess']),
            target: 'live',
            actions: [
              'recordAgreement',
              releaseDecrease,
              'settleCommitment',
              schedule,
              tell('agreementSigned', 'owner'),
            ],
          },
          {
            guard: 'agreementValid',
            target: 'live',
            actions: ['recordAgreement', schedule, tell('agreementSigned', 'owner')],
          },
        ],
      },
    },
    live: {
      on: {
        ANNUAL_REVIEW: [
          { guard: { type: 'reviewSays', params: 'continue' }, actions: 'recordReview' },
          {
            guard: { type: 'reviewSays', params: 'amend' },
            target: 'variationRequested',
            actions: 'recordReview',
          },
          {
            target: 'terminated',
            actions: ['recordReview', releaseUnpaid, 'clearCommitment', tell('terminated', 'owner')],
          },
        ],
        REQUEST_VARIATION: {
          guard: 'variationValid',
          target: 'variationRequested',
          actions: 'requestVariation',
        },
        TERMINATE: {
          target: 'terminated',
          actions: ['recordReason', releaseUnpaid, 'clearCommitment', tell('terminated', 'owner')],
        },
        // The agreement has run its course: what was never paid goes back to the fund.
        COMPLETE: { guard: 'agreementEnded', target: 'closed', actions: [releaseUnpaid, 'clearCommitment'] },
      },
    },
    variationRequested: {
      on: {
        // A revised request (or the detail of a review's amendment) replaces the pending one.
        REQUEST_VARIATION: { guard: 'variationValid', actions: 'requestVariation' },
        APPROVE_VARIATION: decide('variationSaysWhat'),
        REJECT_VARIATION: { target: 'live', actions: ['decideVariation', tell('variationDecided', 'owner')] },
      },
    },
    ineligible: { type: 'final' },
    declined: { type: 'final' },
    offerDeclined: { type: 'final' },
    lapsed: { type: 'final' },
    terminated: { type: 'final' },
    closed: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

/** Applying a variation: an increase commits the difference, a decrease releases it. */
function decide(guard: 'variationSaysWhat') {
  const [apply, settle, told] = [
    'decideVariation',
    'settleCommitment',
    tell('variationDecided', 'owner'),
  ] as const;
  return [
    {
      guard: and([guard, 'increases']),
      target: 'live',
      actions: [apply, commitIncrease, settle, schedule, told],
    },
    {
      guard: and([guard, 'decreases']),
      target: 'live',
      actions: [apply, releaseDecrease, settle, schedule, told],
    },
    // A new end date alone re-profiles the unpaid payments over the longer or shorter term.
    { guard, target: 'live', actions: [apply, schedule, told] },
  ] as const;
}

// ---- How a case reads to people --------------------------------------------------------------

const variationSchema = z.object({
  requestedBy: z.string().meta({ title: 'Asked for by', widget: 'event' }),
  amountPence: pence.nullable().meta({ title: 'New total amount of the grant', widget: 'money' }),
  endsOn: isoDate.nullable().meta({ title: 'New end date' }),
  outcomes: z
    .string()
    .nullable()
    .meta({ title: 'New outcomes', ...textarea }),
  reason: z.string().meta({ title: 'Why the change is needed', ...textarea }),
  previousAmountPence: pence.nullable().meta({ title: 'Amount before the change', widget: 'money' }),
  previousEndsOn: isoDate.nullable().meta({ title: 'End date before the change' }),
  decision: z
    .enum(['approved', 'signed', 'rejected'])
    .nullable()
    .meta({ title: 'Decision', options: variationDecisionOptions }),
  decisionReason: z
    .string()
    .nullable()
    .meta({ title: 'Why the variation was rejected', ...textarea }),
});

/** The context, field by field, in the order the case page shows it. */
const contextSchema = z.object({
  title: z.string().nullable().meta({ title: 'Title of the bid' }),
  service: z.enum(services).nullable().meta({ title: 'Kind of service', options: serviceOptions }),
  summary: z
    .string()
    .nullable()
    .meta({ title: 'Summary of the service', ...textarea }),
  amountRequestedPence: pence.nullable().meta({ title: 'Amount requested', widget: 'money' }),
  startsOn: isoDate.nullable().meta({ title: 'Service starts on' }),
  endsOn: isoDate.nullable().meta({ title: 'Service ends on' }),
  awardedPence: pence
    .nullable()
    .meta({ title: 'Amount awarded', hint: 'As offered, then as agreed and varied', widget: 'money' }),
  agreement: z
    .object({
      amountPence: pence.meta({ title: 'Amount of the grant' }),
      startsOn: isoDate.meta({ title: 'Agreement starts on' }),
      endsOn: isoDate.meta({ title: 'Agreement ends on' }),
      paymentProfile: z
        .enum(paymentProfiles)
        .meta({ title: 'How the grant is paid', options: paymentProfileOptions }),
      instalments: z.number().nullable().meta({ title: 'Number of instalments' }),
      remainderIn: z
        .enum(remainderPlaces)
        .optional()
        .meta({ title: 'Which payment takes the odd pence', options: remainderOptions }),
    })
    .nullable()
    .meta({ title: 'Grant agreement' }),
  outcomes: z
    .string()
    .nullable()
    .meta({ title: 'Outcomes as varied', ...textarea }),
  pendingVariation: variationSchema.nullable().meta({ title: 'Variation waiting for a decision' }),
  variations: z.array(variationSchema).meta({ title: 'Variations decided' }),
  reviews: z
    .array(
      z.object({
        decision: z
          .enum(reviewDecisions)
          .meta({ title: 'Outcome of the review', options: reviewDecisionOptions }),
        notes: z.string().meta({ title: 'Notes of the review', ...textarea }),
      }),
    )
    .meta({ title: 'Annual reviews' }),
  recommendation: z
    .object({
      decision: z.enum(['award', 'decline']).meta({ title: 'Recommended', options: recommendationOptions }),
      amountPence: pence.nullable().meta({ title: 'Amount to award', widget: 'money' }),
      rationale: z.string().meta({ title: 'Reasons for the recommendation', ...textarea }),
    })
    .nullable()
    .meta({ title: 'Recommendation' }),
  weightedScore: z.number().nullable().meta({ title: 'Weighted score', hint: 'Out of 100' }),
  moderatedScores: z
    .record(z.string(), z.number())
    .nullable()
    .meta({ title: 'Moderated scores', widget: 'scores' }),
  // Undefined when the moderation needed no reasons.
  rationale: z
    .string()
    .nullish()
    .meta({ title: 'Reasons for the moderated scores', ...textarea }),
  dueDiligence: z
    .object({
      safeguardingPolicy: z.boolean().meta({ title: dueDiligenceTitles.safeguardingPolicy }),
      insurance: z.boolean().meta({ title: dueDiligenceTitles.insurance }),
      accounts: z.boolean().meta({ title: dueDiligenceTitles.accounts }),
      governance: z.boolean().meta({ title: dueDiligenceTitles.governance }),
    })
    .nullable()
    .meta({ title: 'Due diligence checks passed' }),
  ownDeadline: z
    .object({
      closesAt: isoInstant.meta({ title: 'Deadline for this applicant' }),
      reason: z.string().meta({ title: 'Why the applicant was given a later deadline', ...textarea }),
    })
    .nullable()
    .meta({ title: 'Later deadline for this applicant' }),
  reasons: z
    .array(
      z.object({
        event: z.string().meta({ title: 'What was done', widget: 'event' }),
        reason: z.string().meta({ title: 'Reasons', ...textarea }),
      }),
    )
    .meta({ title: 'Reasons given' }),
  committedPence: pence.meta({ title: 'Committed from the fund', ...hidden }),
  programmeId: z
    .string()
    .nullable()
    .meta({ title: 'Programme', ...hidden }),
  maxAwardPence: pence.nullable().meta({ title: 'Largest award the programme makes', ...hidden }),
  delegationThresholdPence: pence.meta({ title: 'Approver signs awards above', ...hidden }),
  criteria: z
    .array(
      z.object({
        id: z.string().meta({ title: 'Criterion id', ...hidden }),
        label: z.string().meta({ title: 'Criterion' }),
        weight: z.number().meta({ title: 'Weight (%)' }),
      }),
    )
    .meta({ title: 'Scoring criteria', ...hidden }),
});

/** What people call the bid, and the money it is about now. */
const summarise = (c: Ctx): CaseLine => ({
  title: c.title ?? "Victims' services bid (not yet titled)",
  // The award is set from the recommendation, then agreed and varied: it is the later word of the two.
  amountPence:
    c.pendingVariation?.amountPence ??
    c.awardedPence ??
    c.recommendation?.amountPence ??
    c.amountRequestedPence ??
    null,
  description: c.summary,
});

const spec = (label: string, payload: z.ZodObject, sentBy: Sender[], check?: EventSpec['check']) =>
  ({ label, payload, sentBy, ...(check && { check }) }) as EventSpec;
const owner: Sender[] = ['owner'];
const officer: Sender[] = ['officer'];

export const victimsServices = defineMachine({
  id: 'victims-services',
  // 2: the agreement builds a payment schedule, variations re-profile it, and closing releases the unpaid part.
  // 3: the rulebook signs decisions: no awaitingApproval state, SIGN_DECISION, REJECT_DECISION or
  //    SIGN_VARIATION. A recommendation awaiting signature moves back to `recommendation`, held by the
  //    rulebook for the approver as it was made.
  version: 3,
  upgradeFrom: {
    version: 2,
    context: (c: Omit<Ctx, 'ownDeadline'>): Ctx => ({ ...c, ownDeadline: null }),
    state: (state: string) => (state === 'awaitingApproval' ? 'recommendation' : state),
    hold: (context: Ctx, state: string) =>
      state === 'awaitingApproval' && context.recommendation?.amountPence
        ? {
            event: 'RECOMMEND_AWARD',
            payload: {
              amountPence: context.recommendation.amountPence,
              rationale: context.recommendation.rationale,
            },
          }
        : null,
  },
  referencePrefix: 'VS',
  ownerKinds: ['provider'],
  messages: victimsServicesTemplates,
  context: contextSchema,
  summary: summarise,
  criteria: (c: Ctx) => c.criteria,
  panelScoringStates: ['panelScoring'],
  title: "Victims' services",
  description:
    "A victims' support service funded from the Ministry of Justice victims grant: bid, due diligence, panel scoring and moderation, recommendation and sign-off, offer, grant agreement, then the live service with annual reviews and variations.",
  machine,
  input: creationInput,
  createdBy: ['owner', 'officer'],
  states: {
    draft: { label: 'Draft bid' },
    dueDiligence: { label: 'Bid submitted, due diligence checks' },
    panelScoring: { label: 'With the panel for scoring' },
    moderation: { label: 'Scores being moderated' },
    recommendation: { label: 'Awaiting a recommendation' },
    offered: { label: 'Grant offered' },
    agreement: { label: 'Offer accepted, grant agreement being prepared' },
    live: { label: 'Service live' },
    variationRequested: { label: 'Variation requested' },
    ineligible: { label: 'Failed due diligence' },
    declined: { label: 'Not recommended for funding' },
    offerDeclined: { label: 'Offer declined' },
    lapsed: { label: 'Offer lapsed' },
    terminated: { label: 'Terminated' },
    closed: { label: 'Closed' },
    withdrawn: { label: 'Withdrawn' },
  },
  serviceOf: (c: Ctx) => c.service,
  services: serviceOptions,
  awardEndsOn: (c: Ctx) => c.agreement?.endsOn ?? null,
  // The agreement's period once signed (as varied); the bid's service period before.
  takesReturns: true,
  // The Ministry of Justice's measures for victims' services.
  measures: victimsMeasures,
  awardPeriod: (c: Ctx) =>
    c.agreement
      ? { startsOn: c.agreement.startsOn, endsOn: c.agreement.endsOn }
      : c.startsOn && c.endsOn
        ? { startsOn: c.startsOn, endsOn: c.endsOn }
        : null,
  // The panel's and the moderators' deliberation, and the threshold the approver signs above.
  staffOnly: ['delegationThresholdPence', 'moderatedScores', 'weightedScore', 'rationale'],
  events: {
    SUBMIT: {
      ...spec('Submit the bid', submitPayload, owner, checkSubmit),
      ownerPermission: 'submitBids',
      application: true,
      servicePeriod: (_c: Ctx, p: Payload<'SUBMIT'>) => ({ startsOn: p.startsOn, endsOn: p.endsOn }),
    },
    PASS_DUE_DILIGENCE: {
      ...spec('Pass due diligence', dueDiligencePayload, officer, checkDueDiligence),
      // Each check passes only with the organisation's in-date document of its kind.
      profileChecks: {
        field: 'checks',
        documents: {
          safeguardingPolicy: 'safeguardingPolicy',
          insurance: 'insurance',
          accounts: 'accounts',
          governance: 'governingDocument',
        },
      },
    },
    FAIL_DUE_DILIGENCE: spec('Fail due diligence', failDueDiligencePayload, officer),
    CLOSE_SCORING: {
      ...spec('Close panel scoring', closeScoringPayload, officer),
      closesScoring: true,
      staffOnly: true,
    },
    MODERATE: {
      ...spec('Record the moderated scores', moderatePayload, officer, checkModerate),
      decision: { amountPence: () => null },
      moderates: true,
      staffOnly: true,
    },
    RECOMMEND_AWARD: {
      ...spec('Recommend an award', recommendAwardPayload, officer, checkRecommendAward),
      decision: { amountPence: (_c: Ctx, p: Payload<'RECOMMEND_AWARD'>) => p.amountPence },
    },
    RECOMMEND_DECLINE: {
      ...spec('Recommend declining the bid', recommendDeclinePayload, officer),
      decision: { amountPence: () => null },
    },
    ACCEPT_OFFER: {
      ...spec('Accept the offer', emptyPayload, owner),
      ownerPermission: 'acceptOffers',
      letter: {
        title: 'Offer of a grant for a victims’ service',
        opening: () =>
          'The Police and Crime Commissioner offers your organisation a grant from the victims’ services fund for this service, on these terms.',
        terms: ['title', 'service', 'awardedPence', 'startsOn', 'endsOn'],
        closing: () =>
          `Once you accept, the commissioning officer draws up the grant agreement, which sets how and when the grant is paid. You report on the service each quarter with a monitoring return. The offer lapses if it is not accepted within ${OFFER_LAPSES_AFTER_MS / 86_400_000} days of being made.`,
      },
    },
    DECLINE_OFFER: {
      ...spec('Decline the offer', declineOfferPayload, owner),
      ownerPermission: 'acceptOffers',
      irreversible: true,
    },
    SIGN_AGREEMENT: {
      ...spec('Sign the grant agreement', agreementPayload, officer, checkAgreement),
      servicePeriod: (_c: Ctx, p: Payload<'SIGN_AGREEMENT'>) => ({ startsOn: p.startsOn, endsOn: p.endsOn }),
      // The officer sets its terms in the form; the agreement is drawn up from them once signed.
      letter: {
        title: 'Grant agreement for a victims’ service',
        opening: () =>
          'This agreement is between the Police and Crime Commissioner and your organisation. The Commissioner funds the service below from the victims’ services fund, on these terms, and your organisation delivers it as its bid described.',
        terms: ['title', 'service', 'agreement'],
        closing: () =>
          'The grant is paid on the schedule above, once each payment is approved. You report on the service each quarter with a monitoring return, by the day shown above; the Commissioner’s office reviews the service each year. To change the amount or the end date, either side asks for a variation. The Commissioner may end the agreement early, giving the reasons, and recovers any part of the grant not spent on the service.',
        afterwards: true,
        schedule: true,
      },
    },
    ANNUAL_REVIEW: spec('Record the annual review', reviewPayload, officer),
    REQUEST_VARIATION: {
      ...spec('Request a variation', variationPayload, ['officer', 'owner'], checkRequestVariation),
      // It changes the agreement, so it is for whoever may bind the organisation to one.
      ownerPermission: 'acceptOffers',
      // A later end still keeps the service within the programme's longest period.
      servicePeriod: (c: Ctx, p: Payload<'REQUEST_VARIATION'>) =>
        p.endsOn && c.agreement ? { startsOn: c.agreement.startsOn, endsOn: p.endsOn } : null,
    },
    APPROVE_VARIATION: {
      ...spec('Approve the variation', emptyPayload, officer, checkApproveVariation),
      // Weighed on the award's new total, whatever the change.
      decision: { amountPence: totalAfterVariation },
    },
    REJECT_VARIATION: spec('Reject the variation', rejectVariationPayload, officer),
    TERMINATE: { ...spec('Terminate the grant', terminatePayload, officer), irreversible: true },
    COMPLETE: spec('Close the grant at the end of the agreement', emptyPayload, officer, checkComplete),
    WITHDRAW: {
      ...spec('Withdraw the bid', withdrawPayload, owner),
      ownerPermission: 'submitBids',
      irreversible: true,
    },
    EXTEND_OWN_DEADLINE: {
      ...spec('Give this applicant a later deadline', ownDeadlinePayload, officer, checkOwnDeadline),
      // Possible on any draft; not work waiting for officers.
      whenever: true,
    },
  },
});
