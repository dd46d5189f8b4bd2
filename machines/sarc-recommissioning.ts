// SARC re-commissioning: the procurement (not a grant) of the Sexual Assault Referral Centre contract,
// jointly commissioned by the OPCC (the owner), NHS England and the county and city councils from one
// pooled budget. Tender with clarification → quality/price evaluation → moderation → the joint
// commissioning board (all four partners agree) → award notice and the Procurement Act 2023 s.51
// standstill → award → mobilisation → live contract, reviewed for extension or re-procurement. Bidders
// are organisations on record; the contract's payments go to the one awarded it.
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { dayInWords, endOfLondonDay, standstillEnd, standstillEndsAt } from './calendar.ts';
import {
  atMost,
  type CaseLine,
  checkUnavailable,
  commitFunds,
  defineMachine,
  type EventSpec,
  engineActions,
  type FieldProblem,
  formatPounds,
  guardFrom,
  isoDate,
  moneyActions,
  type Now,
  notify,
  notPast,
  type ProgrammeInput,
  paymentActions,
  pence,
  positivePence,
  programmeId,
  type Recipient,
  reason,
  reasonPayload,
  releaseUnpaid,
  type SupplierNames,
  scheduleAt,
  schedulePayments,
  shortText,
  victimsMeasures,
} from './define.ts';
import { sarcRecommissioningTemplates } from './mail/sarc-recommissioning.ts';

export const SARC_SUGGESTED_QUALITY_WEIGHT = 70;
export const sarcPartners = ['opcc', 'nhsEngland', 'countyCouncil', 'cityCouncil'] as const;
export type SarcPartner = (typeof sarcPartners)[number];
/** The partners on the joint commissioning board, as people name them. */
const partnerNames: Record<SarcPartner, string> = {
  opcc: 'Office of the Police and Crime Commissioner',
  nhsEngland: 'NHS England',
  countyCouncil: 'County council',
  cityCouncil: 'City council',
};
/** How a challenge to the award was resolved, as people name it. */
const challengeOutcomeOptions = { dismissed: 'Dismissed', upheld: 'Upheld' };

/** The messages this machine sends; each has a template in ./mail/sarc-recommissioning.ts. */
export const sarcMessages = [
  'tenderPublished',
  'standstillStarted',
  'challengeRecorded',
  'contractAwarded',
] as const;
export type SarcMessage = (typeof sarcMessages)[number];
const tell = (message: SarcMessage, ...to: Recipient[]) => notify(message, ...to);

export interface SarcTender {
  /** The organisation on record that tendered; null for a tender recorded before bidders were (version 3). */
  supplierId: string | null;
  /** Its name, as on record when the tender was recorded. */
  bidder: string;
  pricePence: number;
}
/** How a tender is named in scores and moderation: its supplier's id, or a version-3 tender's bidder. */
export const tenderKey = (t: SarcTender): string => t.supplierId ?? t.bidder;
export interface SarcScore extends SarcTender {
  qualityScore: number;
  qualityPoints: number;
  pricePoints: number;
  totalPoints: number;
}
export interface SarcChallenge {
  awardNoticePublishedOn: string | null;
  details: string;
  outcome: 'dismissed' | 'upheld' | null;
  note: string | null;
}
export interface SarcContext {
  /** The creation input's title, else the programme's name. */
  title: string | null;
  contractValuePence: number;
  clarificationDeadline: string | null;
  tenderDeadline: string | null;
  qualityWeight: number | null;
  priceWeight: number | null;
  clarificationClosed: boolean;
  clarifications: { question: string; answer: string }[];
  tenders: SarcTender[];
  scores: SarcScore[];
  preferredBidder: string | null;
  /** The preferred bidder's tender, by its key (tenderKey): names may repeat, keys do not. */
  preferredTender: string | null;
  moderationRationale: string | null;
  /** The joint commissioning board; cleared by each moderation, since the board decides on it. */
  partnerDecisions: Record<SarcPartner, { agrees: boolean; note: string | null } | null>;
  returnsToModeration: string[];
  awardNoticePublishedOn: string | null;
  /** Last day of the standstill (London date); the contract may be entered into the day after. */
  standstillEndsOn: string | null;
  challenges: SarcChallenge[];
  contract: {
    /** Who holds the contract and is paid: the preferred bidder, on record (null for a version-3 tender). */
    supplierId: string | null;
    supplier: string;
    startsOn: string;
    endsOn: string;
    valuePence: number;
  } | null;
  extensions: { previousEndsOn: string; newEndsOn: string; extensionValuePence: number; note: string }[];
  reprocureNote: string | null;
  abandonReason: string | null;
  terminateReason: string | null;
}

const creationInput = z.strictObject({
  programmeId: programmeId.meta({ title: 'Programme' }),
  title: shortText(200, 'the title of the procurement')
    .optional()
    .meta({ title: 'Title of the procurement', hint: "Leave this blank to use the programme's name." }),
  contractValuePence: positivePence.meta({
    title: 'Contract value',
    hint: "The most the contract can be worth over its whole term, from the partners' pooled budget.",
  }),
});
export type SarcInput = z.output<typeof creationInput> & ProgrammeInput;

const weight = z.number({ error: 'Enter a whole-number percentage' }).int({ error: 'Enter a whole number' });
const suggested = SARC_SUGGESTED_QUALITY_WEIGHT;
const outOf100 = { error: 'Enter a whole number from 0 to 100' };
const qualityScore = z
  .number(outOf100)
  .int(outOf100)
  .min(0, outOf100)
  .max(100, outOf100)
  .meta({ title: 'Quality score' });
const empty = z.strictObject({});
const payloads = {
  PUBLISH_TENDER: z.strictObject({
    clarificationDeadline: isoDate.meta({
      title: 'Last day for clarification questions',
      hint: "Bidders' questions close at the end of this day. It must be before the tender deadline.",
    }),
    tenderDeadline: isoDate.meta({ title: 'Tender deadline', hint: 'Tenders close at the end of this day.' }),
    qualityWeight: weight
      .min(50)
      .max(90)
      .default(suggested)
      .meta({
        title: 'Weight given to quality (%)',
        hint: `A whole number from 50 to 90, usually ${suggested}. The quality and price weights add up to 100.`,
      }),
    priceWeight: weight
      .min(0)
      .max(100)
      .default(100 - suggested)
      .meta({
        title: 'Weight given to price (%)',
        hint: `A whole number, usually ${100 - suggested}. The quality and price weights add up to 100.`,
      }),
  }),
  ANSWER_CLARIFICATION: z.strictObject({
    question: shortText(2000, 'the question from a bidder').meta({
      title: 'Question from a bidder',
      widget: 'textarea',
    }),
    answer: shortText(5000, 'the answer').meta({ title: 'Answer', widget: 'textarea' }),
  }),
  RECORD_TENDER: z.strictObject({
    supplierId: z.uuid({ error: 'Choose the organisation that tendered' }).meta({
      title: 'Bidder',
      hint: 'The organisation that tendered. If it is not listed, an administrator adds it first.',
      widget: 'supplier',
    }),
    pricePence: positivePence.meta({
      title: 'Tender price',
      hint: 'The total price for the whole contract.',
    }),
  }),
  CLARIFICATION_CLOSED: empty,
  TENDER_DEADLINE_PASSED: empty,
  SCORE_TENDERS: z.strictObject({
    scores: z.record(z.string(), qualityScore, { error: 'Give a quality score for each tender' }).meta({
      title: 'Quality score',
      hint: 'A whole number from 0 to 100 for every tender received. Price points are worked out from the prices tendered.',
      widget: 'scores',
    }),
  }),
  ABANDON: reasonPayload('Reasons for abandoning the procurement'),
  MODERATE: z.strictObject({
    preferredBidder: shortText(200, 'the preferred bidder').meta({
      title: 'Preferred bidder',
      hint: "One of the scored bidders. Choosing anyone but the highest scorer needs the approver's signature.",
      widget: 'scored',
    }),
    rationale: reason.meta({ title: 'Reasons for choosing the preferred bidder' }),
  }),
  RECORD_PARTNER_DECISION: z.strictObject({
    partner: z
      .enum(sarcPartners, { error: 'Choose the partner' })
      .meta({ title: 'Partner', options: partnerNames }),
    agrees: z
      .boolean({ error: 'Say whether the partner agrees' })
      .meta({ title: 'Does the partner agree with the preferred bidder?' }),
    note: shortText(2000, "the partner's reasons").optional().meta({
      title: "The partner's reasons",
      hint: 'If the partner does not agree, the procurement goes back to moderation with these reasons.',
      widget: 'textarea',
      neededWhen: 'the partner does not agree',
    }),
  }),
  RETURN_TO_MODERATION: reasonPayload('Reasons for returning the procurement to moderation'),
  PUBLISH_AWARD_NOTICE: z.strictObject({
    publishedOn: isoDate.meta({
      title: 'Date the award notice was published',
      hint: 'The standstill period of eight working days starts from this date.',
    }),
  }),
  STANDSTILL_ENDED: empty,
  RECORD_CHALLENGE: z.strictObject({
    details: reason.meta({
      title: 'Details of the challenge',
      hint: 'Who challenged the award, when, and on what grounds.',
    }),
  }),
  RESOLVE_CHALLENGE: z.strictObject({
    outcome: z.enum(['dismissed', 'upheld'], { error: 'Choose the outcome of the challenge' }).meta({
      title: 'Outcome of the challenge',
      hint: 'If it is dismissed, a new award notice and standstill follow. If it is upheld, the procurement goes back to moderation.',
      options: challengeOutcomeOptions,
    }),
    note: reason.meta({ title: 'Reasons for the outcome' }),
  }),
  AWARD_CONTRACT: z.strictObject({
    startsOn: isoDate.meta({ title: 'Contract start date' }),
    endsOn: isoDate.meta({ title: 'Contract end date' }),
    valuePence: positivePence.meta({
      title: 'Contract value',
      hint: 'The value over the whole term. It cannot be more than the contract value budgeted.',
    }),
    /** Why the contract is worth more than the preferred bidder tendered; required when it is. */
    justification: reason.optional().meta({
      title: 'Why the contract is worth more than the preferred tender',
      hint: "The approver's signature is needed too.",
      neededWhen: 'the contract value is more than the preferred bidder tendered',
    }),
  }),
  GO_LIVE: empty,
  TERMINATE: reasonPayload('Reasons for ending the contract early'),
  COMPLETE: empty,
  CONTRACT_REVIEW: z.strictObject({
    decision: z.enum(['extend', 'reprocure'], { error: 'Choose whether to extend or re-procure' }).meta({
      title: 'Decision',
      options: { extend: 'Extend the contract', reprocure: 'Re-procure the service' },
    }),
    note: reason.meta({ title: 'Reasons for the decision' }),
    newEndsOn: isoDate.optional().meta({
      title: 'New contract end date',
      hint: 'It must be after the current end date.',
      neededWhen: 'extending',
    }),
    extensionValuePence: positivePence.optional().meta({
      title: 'Value of the extension',
      hint: 'What the extension adds to the contract value.',
      neededWhen: 'extending',
    }),
  }),
};
type Payloads = typeof payloads;
export type SarcEvent = { [K in keyof Payloads]: { type: K } & z.output<Payloads[K]> }[keyof Payloads];
type Of<T extends SarcEvent['type']> = Omit<Extract<SarcEvent, { type: T }>, 'type'>;
/** What the engine adds to an event that chose a supplier: the names on record, by id. */
type Named = { suppliers?: SupplierNames };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const problem = (field: string, message: string): FieldProblem[] => [{ field, message }];
/** Years the London calendar (and its bank-holiday rules) can turn into instants. */
const plausible = (date: string) => date >= '2000-01-01' && date <= '9000-12-31';
const round2 = (x: number) => Math.round((x + Number.EPSILON) * 100) / 100;

export const checkPublish = (_c: SarcContext, p: Of<'PUBLISH_TENDER'>, now?: Now): FieldProblem[] => [
  // A deadline already past would close the tender the moment it opened (version 5).
  ...notPast('clarificationDeadline', p.clarificationDeadline, now),
  ...notPast('tenderDeadline', p.tenderDeadline, now),
  ...(p.qualityWeight + p.priceWeight === 100
    ? []
    : problem('priceWeight', `Quality and price weights must add up to 100 (quality is ${p.qualityWeight})`)),
  ...(plausible(p.clarificationDeadline) && plausible(p.tenderDeadline)
    ? p.clarificationDeadline < p.tenderDeadline
      ? []
      : problem('clarificationDeadline', 'Clarification questions must close before the tender deadline')
    : problem('tenderDeadline', 'Enter deadlines between 2000 and 9000')),
];

/** Why no clarification question can be answered now: the period has closed. */
const clarificationClosed = (c: SarcContext): string | null =>
  c.clarificationClosed ? 'the clarification period has closed' : null;
export const checkClarification = checkUnavailable('question', clarificationClosed);

export const checkTender = (c: SarcContext, p: Of<'RECORD_TENDER'>): FieldProblem[] => {
  const recorded = c.tenders.find((t) => t.supplierId === p.supplierId);
  return recorded ? problem('supplierId', `A tender from ${recorded.bidder} is already recorded`) : [];
};

export const checkScores = (c: SarcContext, p: Of<'SCORE_TENDERS'>): FieldProblem[] => {
  if (c.tenders.length === 0) return problem('scores', 'No tenders were received: abandon the procurement');
  const keys = new Set(c.tenders.map(tenderKey));
  const strangers = Object.keys(p.scores).filter((key) => !keys.has(key));
  const unscored = c.tenders.filter((t) => !Object.hasOwn(p.scores, tenderKey(t)));
  return [
    ...strangers.flatMap((key) => problem(`scores.${key}`, 'Score only the tenders received')),
    ...unscored.flatMap((t) => problem(`scores.${tenderKey(t)}`, `Score the tender from ${t.bidder}`)),
  ];
};

/** Quality points = score × quality weight / 100; price points = lowest price / price × price weight. */
export function scoreTenders(
  tenders: readonly SarcTender[],
  scores: Readonly<Record<string, number>>,
  qualityWeight: number,
  priceWeight: number,
): SarcScore[] {
  const lowest = Math.min(...tenders.map((t) => t.pricePence));
  return tenders.map((t) => {
    const qualityScore = scores[tenderKey(t)] ?? 0;
    const qualityPoints = round2((qualityScore * qualityWeight) / 100);
    const pricePoints = round2((lowest / t.pricePence) * priceWeight);
    return {
      ...t,
      qualityScore,
      qualityPoints,
      pricePoints,
      totalPoints: round2(qualityPoints + pricePoints),
    };
  });
}

/** The scored tender a moderation chose (by the tender's key). */
const chosenIn = (c: SarcContext, p: Of<'MODERATE'>): SarcScore | undefined =>
  c.scores.find(
    (s) =>
      tenderKey(s) === p.preferredBidder ||
      // A version-3 tender is named in words, which were matched whatever their capitals.
      (s.supplierId === null && same(s.bidder, p.preferredBidder)),
  );

export const checkModerate = (c: SarcContext, p: Of<'MODERATE'>): FieldProblem[] =>
  chosenIn(c, p) ? [] : problem('preferredBidder', 'Choose one of the scored bidders');

/**
 * The first award notice is published no sooner than the tender deadline. After a dismissed challenge
 * the new notice is a new one, published after the notice challenged, so its standstill runs afresh
 * (version 5; version 4 took the same date again, and with it a standstill already run).
 */
export const checkNotice = (c: SarcContext, p: Of<'PUBLISH_AWARD_NOTICE'>, now?: Now): FieldProblem[] => {
  // A notice is recorded once it is published: its standstill runs from a day that has come (version 5).
  if (now && p.publishedOn > now.today)
    return problem(
      'publishedOn',
      `Enter the day the notice was published: it cannot be after today (${dayInWords(now.today)})`,
    );
  const challenged = c.challenges.at(-1)?.awardNoticePublishedOn;
  if (challenged)
    return p.publishedOn > challenged && plausible(p.publishedOn)
      ? []
      : problem(
          'publishedOn',
          `Enter a date after ${dayInWords(challenged)}, when the notice challenged was published`,
        );
  const earliest = c.tenderDeadline ?? '2000-01-01';
  return p.publishedOn >= earliest && plausible(p.publishedOn)
    ? []
    : problem('publishedOn', `Enter a date no earlier than ${dayInWords(earliest)}, the tender deadline`);
};

/** The scored tender the evaluation ranked first (most points), if any. */
export const highestScorer = (c: SarcContext): SarcScore | undefined =>
  [...c.scores].sort((a, b) => b.totalPoints - a.totalPoints)[0];

/** The preferred bidder's tender (named by its bidder, as moderation recorded it). */
const preferredTender = (c: SarcContext): SarcTender | undefined =>
  c.preferredTender ? c.tenders.find((t) => tenderKey(t) === c.preferredTender) : undefined;

/** The price the preferred bidder tendered, in pence. */
export const preferredPrice = (c: SarcContext): number | null => preferredTender(c)?.pricePence ?? null;

/**
 * MODERATE: choosing anyone who scored fewer points than the highest scorer is the approver's to sign,
 * with the reasons. A bidder tied for the most points is a highest scorer.
 */
export const preferredNotHighest = (c: SarcContext, p: Of<'MODERATE'>): string | null => {
  const top = highestScorer(c);
  const chosen = chosenIn(c, p);
  return top && chosen && chosen.totalPoints < top.totalPoints
    ? `${chosen.bidder} is not the highest scorer: ${top.bidder} scored ${top.totalPoints} points`
    : null;
};

/** AWARD_CONTRACT: a contract worth more than the preferred tender is the approver's to sign. */
export const awardAboveTender = (c: SarcContext, p: Of<'AWARD_CONTRACT'>): string | null => {
  const price = preferredPrice(c);
  return price !== null && p.valuePence > price
    ? `The contract is worth more than the preferred bidder tendered (${formatPounds(price)})`
    : null;
};

/** A refusal by a partner on the board says why, and sends the case back to moderation. */
export const checkPartnerDecision = (_c: SarcContext, p: Of<'RECORD_PARTNER_DECISION'>): FieldProblem[] =>
  p.agrees || p.note ? [] : problem('note', "Give the partner's reasons for not agreeing");

export const checkAward = (c: SarcContext, p: Of<'AWARD_CONTRACT'>): FieldProblem[] => [
  ...atMost('valuePence', p.valuePence, c.contractValuePence, (v) => `The contract value is at most ${v}`),
  ...(awardAboveTender(c, p) && !p.justification
    ? problem(
        'justification',
        `Enter the reasons: the contract is worth more than the ${formatPounds(preferredPrice(c) ?? 0)} the preferred bidder tendered`,
      )
    : []),
  ...(p.endsOn > p.startsOn ? [] : problem('endsOn', 'The contract must end after it starts')),
];

export const checkReview = (c: SarcContext, p: Of<'CONTRACT_REVIEW'>): FieldProblem[] => {
  if (p.decision === 'reprocure')
    return [
      ...(p.newEndsOn ? problem('newEndsOn', 'Only an extension has a new end date') : []),
      ...(p.extensionValuePence ? problem('extensionValuePence', 'Only an extension has a value') : []),
    ];
  const endsOn = c.contract?.endsOn ?? '';
  return [
    ...(p.newEndsOn && p.newEndsOn > endsOn
      ? []
      : problem(
          'newEndsOn',
          `Enter a new end date after the contract's current end, ${endsOn ? dayInWords(endsOn) : 'once awarded'}`,
        )),
    ...(p.extensionValuePence
      ? withinBudget(c, p.extensionValuePence)
      : problem('extensionValuePence', 'Enter the value of the extension')),
  ];
};

/** An extension keeps the contract within the value budgeted for its whole term (version 5). */
const withinBudget = (c: SarcContext, extensionPence: number): FieldProblem[] => {
  const after = (contractTotal(c) ?? 0) + extensionPence;
  return after <= c.contractValuePence
    ? []
    : problem(
        'extensionValuePence',
        `The contract would then be worth ${formatPounds(after)}, more than the ${formatPounds(c.contractValuePence)} budgeted for its whole term`,
      );
};

/** What the contract is worth now: as awarded, with every extension; null before it is awarded. */
const contractTotal = (c: SarcContext): number | null =>
  c.contract ? c.contract.valuePence + c.extensions.reduce((sum, e) => sum + e.extensionValuePence, 0) : null;

/** The contract's whole value once a review takes effect: as awarded, with every extension. */
export const contractTotalAfter = (c: SarcContext, p: Of<'CONTRACT_REVIEW'>): number | null =>
  p.decision === 'extend' ? (contractTotal(c) ?? 0) + (p.extensionValuePence ?? 0) : null;

const agreed = (d: SarcContext['partnerDecisions']) => sarcPartners.every((p) => d[p]?.agrees === true);
const noDecisions = () => ({ opcc: null, nhsEngland: null, countyCouncil: null, cityCouncil: null });

/** Why the contract cannot be closed today: it has not run its course (ending it sooner is a termination). */
export const stillRunning = (c: SarcContext, now?: Now): string | null => {
  const endsOn = c.contract?.endsOn;
  return now && endsOn && now.today < endsOn
    ? `the contract runs until ${dayInWords(endsOn)}: to end it sooner, end it early and give the reasons`
    : null;
};

/** CLOSE: only once the contract has run its course. */
export const checkComplete = checkUnavailable('contract.endsOn', stillRunning);

/** Why the service cannot start today: the contract has not started yet (version 5). */
export const notStarted = (c: SarcContext, now?: Now): string | null => {
  const startsOn = c.contract?.startsOn;
  return now && startsOn && now.today < startsOn ? `the contract starts on ${dayInWords(startsOn)}` : null;
};

/** GO_LIVE: not before the contract starts. */
export const checkGoLive = checkUnavailable('contract.startsOn', notStarted);

/** Abandoning, at any stage before the contract is awarded: the reasons are recorded. */
const abandon = { target: 'abandoned', actions: 'recordAbandon' } as const;
/** Ending an awarded contract before its end date: the reasons are recorded, the unpaid part released. */
const terminate = { target: 'terminated', actions: ['recordTermination', releaseUnpaid] } as const;

/** A tender as recorded: its supplier and the supplier's name as on record (the engine's `suppliers`). */
const tenderFrom = (e: Of<'RECORD_TENDER'> & Named): SarcTender => ({
  supplierId: e.supplierId,
  bidder: e.suppliers?.[e.supplierId] ?? e.supplierId,
  pricePence: e.pricePence,
});

/** The contract is paid quarterly in arrears over its term; an extension re-profiles what is unpaid. */
const contractPayments = schedulePayments<SarcContext>((c) => ({
  payeeOrganisationId: c.contract?.supplierId ?? null,
  profile: 'quarterlyInArrears',
  instalments: null,
  remainderIn: 'last',
  startsOn: c.contract?.startsOn ?? null,
  endsOn: c.contract?.endsOn ?? null,
}));

const machine = setup({
  types: { context: {} as SarcContext, events: {} as SarcEvent, input: {} as SarcInput },
  actions: {
    ...engineActions,
    ...moneyActions,
    ...paymentActions,
    recordTendering: assign(({ context: c, event: e }) =>
      e.type === 'PUBLISH_TENDER'
        ? {
            clarificationDeadline: e.clarificationDeadline,
            tenderDeadline: e.tenderDeadline,
            qualityWeight: e.qualityWeight,
            priceWeight: e.priceWeight,
          }
        : e.type === 'ANSWER_CLARIFICATION'
          ? { clarifications: [...c.clarifications, { question: e.question, answer: e.answer }] }
          : e.type === 'RECORD_TENDER'
            ? { tenders: [...c.tenders, tenderFrom(e)] }
            : {},
    ),
    closeClarification: assign({ clarificationClosed: true }),
    recordScores: assign(({ context: c, event: e }) =>
      e.type === 'SCORE_TENDERS'
        ? { scores: scoreTenders(c.tenders, e.scores, c.qualityWeight ?? 0, c.priceWeight ?? 0) }
        : {},
    ),
    recordAbandon: assign(({ event: e }) => (e.type === 'ABANDON' ? { abandonReason: e.reason } : {})),
    recordTermination: assign(({ event: e }) =>
      e.type === 'TERMINATE' ? { terminateReason: e.reason } : {},
    ),
    recordModeration: assign(({ context: c, event: e }) => {
      if (e.type === 'RETURN_TO_MODERATION')
        return { returnsToModeration: [...c.returnsToModeration, e.reason] };
      if (e.type !== 'MODERATE') return {};
      const chosen = chosenIn(c, e);
      return {
        preferredBidder: chosen?.bidder ?? null,
        preferredTender: chosen ? tenderKey(chosen) : null,
        moderationRationale: e.rationale,
        partnerDecisions: noDecisions(),
      };
    }),
    recordPartner: assign(({ context: c, event: e }) =>
      e.type === 'RECORD_PARTNER_DECISION'
        ? {
            partnerDecisions: {
              ...c.partnerDecisions,
              [e.partner]: { agrees: e.agrees, note: e.note ?? null },
            },
            // A refusal sends the case back to moderation, with the partner's reasons on record.
            ...(e.agrees
              ? {}
              : { returnsToModeration: [...c.returnsToModeration, `${e.partner}: ${e.note}`] }),
          }
        : {},
    ),
    recordNotice: assign(({ event: e }) =>
      e.type === 'PUBLISH_AWARD_NOTICE'
        ? { awardNoticePublishedOn: e.publishedOn, standstillEndsOn: standstillEnd(e.publishedOn) }
        : {},
    ),
    recordChallenge: assign(({ context: c, event: e }) => {
      if (e.type === 'RECORD_CHALLENGE') {
        const challenge = { awardNoticePublishedOn: c.awardNoticePublishedOn, details: e.details };
        return { challenges: [...c.challenges, { ...challenge, outcome: null, note: null }] };
      }
      if (e.type !== 'RESOLVE_CHALLENGE') return {};
      const last = c.challenges.at(-1);
      const rest = c.challenges.slice(0, -1);
      return {
        challenges: last ? [...rest, { ...last, outcome: e.outcome, note: e.note }] : c.challenges,
        awardNoticePublishedOn: null,
        standstillEndsOn: null,
      };
    }),
    recordContract: assign(({ context: c, event: e }) => {
      if (e.type === 'AWARD_CONTRACT') {
        const supplier = preferredTender(c);
        return {
          contract: {
            supplierId: supplier?.supplierId ?? null,
            supplier: supplier?.bidder ?? '',
            startsOn: e.startsOn,
            endsOn: e.endsOn,
            valuePence: e.valuePence,
          },
        };
      }
      if (e.type !== 'CONTRACT_REVIEW' || !c.contract) return {};
      if (e.decision === 'reprocure') return { reprocureNote: e.note };
      const extension = {
        previousEndsOn: c.contract.endsOn,
        newEndsOn: e.newEndsOn ?? c.contract.endsOn,
        extensionValuePence: e.extensionValuePence ?? 0,
        note: e.note,
      };
      return {
        contract: { ...c.contract, endsOn: extension.newEndsOn },
        extensions: [...c.extensions, extension],
      };
    }),
  },
  guards: {
    clarificationOpen: guardFrom(checkClarification),
    newBidder: guardFrom(checkTender),
    validWeights: guardFrom(checkPublish),
    everyTenderScored: guardFrom(checkScores),
    partnerDecisionValid: guardFrom(checkPartnerDecision),
    refuses: ({ event: e }) => e.type === 'RECORD_PARTNER_DECISION' && !e.agrees,
    scoredBidder: guardFrom(checkModerate),
    completesAgreement: ({ context: c, event: e }) =>
      e.type === 'RECORD_PARTNER_DECISION' &&
      agreed({ ...c.partnerDecisions, [e.partner]: { agrees: e.agrees, note: null } }),
    noticeDated: guardFrom(checkNotice),
    dismissed: ({ event: e }) => e.type === 'RESOLVE_CHALLENGE' && e.outcome === 'dismissed',
    withinValue: guardFrom(checkAward),
    extension: ({ context, event: e }) =>
      e.type === 'CONTRACT_REVIEW' && e.decision === 'extend' && checkReview(context, e).length === 0,
    reprocures: ({ context, event: e }) =>
      e.type === 'CONTRACT_REVIEW' && e.decision === 'reprocure' && checkReview(context, e).length === 0,
    contractEnded: guardFrom(checkComplete),
    contractStarted: guardFrom(checkGoLive),
  },
}).createMachine({
  id: 'sarc-recommissioning',
  initial: 'specification',
  context: ({ input }) => ({
    title: input?.title ?? input?.programme?.name ?? null,
    contractValuePence: input?.contractValuePence ?? 0,
    clarificationDeadline: null,
    tenderDeadline: null,
    qualityWeight: null,
    priceWeight: null,
    clarificationClosed: false,
    clarifications: [],
    tenders: [],
    scores: [],
    preferredBidder: null,
    preferredTender: null,
    moderationRationale: null,
    partnerDecisions: noDecisions(),
    returnsToModeration: [],
    awardNoticePublishedOn: null,
    standstillEndsOn: null,
    challenges: [],
    contract: null,
    extensions: [],
    reprocureNote: null,
    abandonReason: null,
    terminateReason: null,
  }),
  states: {
    specification: {
      on: {
        PUBLISH_TENDER: {
          guard: 'validWeights',
          target: 'tendering',
          actions: ['recordTendering', tell('tenderPublished', 'officer')],
        },
        ABANDON: abandon,
      },
    },
    tendering: {
      entry: [
        scheduleAt<SarcContext>('clarificationClosed', 'CLARIFICATION_CLOSED', (c) =>
          c.clarificationDeadline ? endOfLondonDay(c.clarificationDeadline) : null,
        ),
        scheduleAt<SarcContext>('tenderDeadlinePassed', 'TENDER_DEADLINE_PASSED', (c) =>
          c.tenderDeadline ? endOfLondonDay(c.tenderDeadline) : null,
        ),
      ],
      on: {
        ANSWER_CLARIFICATION: { guard: 'clarificationOpen', actions: 'recordTendering' },
        RECORD_TENDER: { guard: 'newBidder', actions: 'recordTendering' },
        CLARIFICATION_CLOSED: { actions: 'closeClarification' },
        TENDER_DEADLINE_PASSED: { target: 'evaluation', actions: 'closeClarification' },
        ABANDON: abandon,
      },
    },
    evaluation: {
      on: {
        SCORE_TENDERS: { guard: 'everyTenderScored', target: 'moderation', actions: 'recordScores' },
        ABANDON: abandon,
      },
    },
    moderation: {
      on: {
        MODERATE: { guard: 'scoredBidder', target: 'boardDecision', actions: 'recordModeration' },
        ABANDON: abandon,
      },
    },
    boardDecision: {
      on: {
        RECORD_PARTNER_DECISION: [
          { guard: and(['partnerDecisionValid', 'refuses']), target: 'moderation', actions: 'recordPartner' },
          {
            guard: and(['partnerDecisionValid', 'completesAgreement']),
            target: 'awardNotice',
            actions: 'recordPartner',
          },
          { guard: 'partnerDecisionValid', actions: 'recordPartner' },
        ],
        RETURN_TO_MODERATION: { target: 'moderation', actions: 'recordModeration' },
        ABANDON: abandon,
      },
    },
    awardNotice: {
      on: {
        PUBLISH_AWARD_NOTICE: { guard: 'noticeDated', target: 'standstill', actions: 'recordNotice' },
        ABANDON: abandon,
      },
    },
    standstill: {
      entry: [
        scheduleAt<SarcContext>('standstillEnded', 'STANDSTILL_ENDED', (c) =>
          c.awardNoticePublishedOn ? standstillEndsAt(c.awardNoticePublishedOn) : null,
        ),
        tell('standstillStarted', 'officer'),
      ],
      on: {
        STANDSTILL_ENDED: { target: 'readyToAward' },
        RECORD_CHALLENGE: {
          target: 'suspended',
          actions: ['recordChallenge', tell('challengeRecorded', 'officer', 'approver')],
        },
        ABANDON: abandon,
      },
    },
    // A dismissed challenge still needs a new award notice and a fresh standstill before award.
    suspended: {
      on: {
        RESOLVE_CHALLENGE: [
          { guard: 'dismissed', target: 'awardNotice', actions: 'recordChallenge' },
          { target: 'moderation', actions: 'recordChallenge' },
        ],
        ABANDON: abandon,
      },
    },
    readyToAward: {
      on: {
        AWARD_CONTRACT: {
          guard: 'withinValue',
          target: 'mobilisation',
          actions: [
            'recordContract',
            commitFunds<SarcContext>((c) => c.contract?.valuePence ?? 0),
            contractPayments,
            tell('contractAwarded', 'officer', 'finance'),
          ],
        },
        ABANDON: abandon,
      },
    },
    mobilisation: { on: { GO_LIVE: { guard: 'contractStarted', target: 'live' }, TERMINATE: terminate } },
    live: {
      on: {
        CONTRACT_REVIEW: [
          {
            guard: 'extension',
            actions: [
              'recordContract',
              commitFunds<SarcContext>((c) => c.extensions.at(-1)?.extensionValuePence ?? 0),
              contractPayments,
            ],
          },
          // The contract runs to its end while the service is procured again; it is paid as agreed.
          { guard: 'reprocures', target: 'reprocuring', actions: 'recordContract' },
        ],
        TERMINATE: terminate,
      },
    },
    reprocuring: {
      on: {
        COMPLETE: { guard: 'contractEnded', target: 'closed', actions: releaseUnpaid },
        TERMINATE: terminate,
      },
    },
    abandoned: { type: 'final' },
    terminated: { type: 'final' },
    closed: { type: 'final' },
  },
});

/** A partner's decision on the joint commissioning board, or null before they give it. */
const partnerDecision = (partner: SarcPartner) =>
  z
    .object({
      agrees: z.boolean().meta({ title: 'Agrees with the preferred bidder' }),
      note: z.string().nullable().meta({ title: 'Reasons', widget: 'textarea' }),
    })
    .nullable()
    .meta({ title: partnerNames[partner] });

/** How a SARC procurement reads on its case page, most important first. */
const contextSchema = z.object({
  title: z.string().nullable().meta({ title: 'Procurement' }),
  abandonReason: z
    .string()
    .nullable()
    .meta({ title: 'Reasons for abandoning the procurement', widget: 'textarea' }),
  terminateReason: z
    .string()
    .nullable()
    .meta({ title: 'Reasons for ending the contract early', widget: 'textarea' }),
  contract: z
    .object({
      supplierId: z.string().nullable().meta({ title: 'Supplier on record', widget: 'hidden' }),
      supplier: z.string().meta({ title: 'Supplier' }),
      startsOn: isoDate.meta({ title: 'Starts on' }),
      endsOn: isoDate.meta({ title: 'Ends on', hint: 'Including any extension.' }),
      valuePence: pence.meta({ title: 'Value when awarded' }),
    })
    .nullable()
    .meta({ title: 'Contract' }),
  extensions: z
    .array(
      z
        .object({
          previousEndsOn: isoDate.meta({ title: 'Ended on before the extension' }),
          newEndsOn: isoDate.meta({ title: 'Ends on after the extension' }),
          extensionValuePence: pence.meta({ title: 'Value of the extension' }),
          note: z.string().meta({ title: 'Reasons', widget: 'textarea' }),
        })
        .meta({ title: 'Extension' }),
    )
    .meta({ title: 'Extensions' }),
  reprocureNote: z.string().nullable().meta({ title: 'Reasons for re-procuring', widget: 'textarea' }),
  contractValuePence: pence.meta({
    title: 'Contract value budgeted',
    hint: 'The most the contract can be worth over its whole term.',
  }),
  preferredBidder: z.string().nullable().meta({ title: 'Preferred bidder' }),
  preferredTender: z.string().nullable().meta({ title: 'Preferred tender', widget: 'hidden' }),
  awardNoticePublishedOn: isoDate.nullable().meta({ title: 'Award notice published on' }),
  standstillEndsOn: isoDate.nullable().meta({
    title: 'Standstill ends on',
    hint: 'The contract can be entered into from the next day.',
  }),
  challenges: z
    .array(
      z
        .object({
          awardNoticePublishedOn: isoDate.nullable().meta({ title: 'Award notice challenged' }),
          details: z.string().meta({ title: 'Details of the challenge', widget: 'textarea' }),
          outcome: z
            .enum(['dismissed', 'upheld'])
            .nullable()
            .meta({ title: 'Outcome', options: challengeOutcomeOptions }),
          note: z.string().nullable().meta({ title: 'Reasons for the outcome', widget: 'textarea' }),
        })
        .meta({ title: 'Challenge' }),
    )
    .meta({ title: 'Challenges to the award' }),
  partnerDecisions: z
    .object({
      opcc: partnerDecision('opcc'),
      nhsEngland: partnerDecision('nhsEngland'),
      countyCouncil: partnerDecision('countyCouncil'),
      cityCouncil: partnerDecision('cityCouncil'),
    })
    .meta({ title: 'Joint commissioning board', empty: 'No partner has decided yet' }),
  returnsToModeration: z
    .array(z.string().meta({ title: 'Reasons', widget: 'textarea' }))
    .meta({ title: 'Reasons for returning to moderation' }),
  moderationRationale: z
    .string()
    .nullable()
    .meta({ title: 'Reasons for choosing the preferred bidder', widget: 'textarea' }),
  scores: z
    .array(
      z
        .object({
          supplierId: z.string().nullable().meta({ title: 'Bidder on record', widget: 'hidden' }),
          bidder: z.string().meta({ title: 'Bidder' }),
          pricePence: pence.meta({ title: 'Tender price' }),
          qualityScore: z.number().meta({ title: 'Quality score (out of 100)' }),
          qualityPoints: z.number().meta({ title: 'Quality points' }),
          pricePoints: z.number().meta({ title: 'Price points' }),
          totalPoints: z.number().meta({ title: 'Total points' }),
        })
        .meta({ title: 'Tender' }),
    )
    .meta({ title: 'Evaluation' }),
  tenders: z
    .array(
      z
        .object({
          supplierId: z.string().nullable().meta({ title: 'Bidder on record', widget: 'hidden' }),
          bidder: z.string().meta({ title: 'Bidder' }),
          pricePence: pence.meta({ title: 'Tender price' }),
        })
        .meta({ title: 'Tender' }),
    )
    .meta({ title: 'Tenders received' }),
  qualityWeight: z.number().nullable().meta({ title: 'Weight given to quality (%)' }),
  priceWeight: z.number().nullable().meta({ title: 'Weight given to price (%)' }),
  tenderDeadline: isoDate.nullable().meta({ title: 'Tender deadline' }),
  clarificationDeadline: isoDate.nullable().meta({ title: 'Last day for clarification questions' }),
  clarificationClosed: z.boolean().meta({ title: 'Clarification questions closed' }),
  clarifications: z
    .array(
      z
        .object({
          question: z.string().meta({ title: 'Question', widget: 'textarea' }),
          answer: z.string().meta({ title: 'Answer', widget: 'textarea' }),
        })
        .meta({ title: 'Clarification' }),
    )
    .meta({ title: 'Clarification questions and answers' }),
});

/** The procurement in a line: the contract's value once awarded, else the preferred tender, else the budget. */
const sarcSummary = (c: SarcContext): CaseLine => ({
  title: c.title ?? 'SARC re-commissioning',
  amountPence: contractTotal(c) ?? preferredPrice(c) ?? (c.contractValuePence || null),
});

/**
 * Version 3 named bidders in words only: their tenders and scores keep the name, with no organisation on
 * record (so a contract awarded from them is paid to the OPCC, as version 3 did). Nothing else changed.
 */
export function upgradeFromVersion3(context: SarcContextV3): SarcContext {
  const onRecord = <T extends object>(t: T) => ({ ...t, supplierId: null });
  const { contract } = context;
  return {
    ...context,
    tenders: context.tenders.map(onRecord),
    scores: context.scores.map(onRecord),
    contract: contract ? { ...contract, supplierId: null, supplier: context.preferredBidder ?? '' } : null,
    // A version-3 tender's key is its bidder's name, as moderation recorded it.
    preferredTender: context.preferredBidder,
    terminateReason: null,
  };
}
type V3<T> = Omit<T, 'supplierId'>;
/** A version-3 context: bidders in words, no supplier on the contract, no termination. */
export type SarcContextV3 = Omit<
  SarcContext,
  'tenders' | 'scores' | 'contract' | 'terminateReason' | 'preferredTender'
> & {
  tenders: V3<SarcTender>[];
  scores: V3<SarcScore>[];
  contract: Omit<NonNullable<SarcContext['contract']>, 'supplierId' | 'supplier'> | null;
};

/** What the officer should have in front of them for each form, from the case. */
const guidance = {
  SCORE_TENDERS: (c: SarcContext) =>
    `Quality is weighted ${c.qualityWeight ?? 0}% and price ${c.priceWeight ?? 0}%. Price points are worked out from the prices tendered: the lowest gets all ${c.priceWeight ?? 0}.`,
  // Read from what a page holds of the case, which may be less than the whole context.
  MODERATE: (c: SarcContext) => {
    const top = highestScorer({ ...c, scores: c.scores ?? [] });
    return top
      ? `${top.bidder} scored the most points (${top.totalPoints}). Choosing another bidder needs the approver's signature.`
      : null;
  },
  RECORD_PARTNER_DECISION: (c: SarcContext) => {
    const waiting = sarcPartners.filter((p) => !c.partnerDecisions?.[p]).map((p) => partnerNames[p]);
    return `The preferred bidder is ${c.preferredBidder ?? 'not chosen yet'}.${waiting.length ? ` Still to decide: ${waiting.join(', ')}.` : ''}`;
  },
  AWARD_CONTRACT: (c: SarcContext) => {
    const price = preferredPrice(c);
    const budget = `The contract value budgeted is ${formatPounds(c.contractValuePence ?? 0)}.`;
    return price === null
      ? budget
      : `${c.preferredBidder} tendered ${formatPounds(price)} for the whole contract. ${budget} A contract worth more than the tender needs a justification, and the approver's signature.`;
  },
  CONTRACT_REVIEW: (c: SarcContext) => {
    const total = contractTotal(c);
    return c.contract && total !== null
      ? `The contract with ${c.contract.supplier} runs from ${dayInWords(c.contract.startsOn)} to ${dayInWords(c.contract.endsOn)} and is worth ${formatPounds(total)}${c.extensions?.length ? ', with its extensions' : ''}.`
      : null;
  },
};

const officer = ['officer'] as const;
const byOfficer = (label: string, payload: z.ZodObject, check?: EventSpec['check']): EventSpec =>
  check ? { label, payload, sentBy: officer, check } : { label, payload, sentBy: officer };
export const sarcRecommissioning = defineMachine({
  id: 'sarc-recommissioning',
  // 2: the contract builds a payment schedule, extensions re-profile it, re-procurement releases the unpaid part.
  // 3: abandoning at any stage before award; a partner's refusal returns the case to moderation with its
  //    reasons; a preferred bidder other than the highest scorer, and a contract above the preferred
  //    tender (with a justification), are signed by the approver through the rulebook.
  // 4: bidders are organisations on record and the contract's payments go to its supplier; tenders are
  //    scored by bidder in a form; re-procuring lets the contract run to its end, closed then, and
  //    ending it sooner is a termination with reasons.
  // 5: the service starts (GO_LIVE) no sooner than the contract does; tender deadlines are not in the
  //    past; an award notice is not dated after today, and after a dismissed challenge is dated after
  //    the one challenged; an extension keeps the contract within the value budgeted.
  version: 5,
  upgradeFrom: {
    version: 4,
    previous: { version: 3, context: upgradeFromVersion3, state: (state) => state },
  },
  referencePrefix: 'SARC',
  ownerKinds: ['commissioner'],
  messages: sarcRecommissioningTemplates,
  context: contextSchema,
  summary: sarcSummary,
  // The tenders are what the evaluation scores and moderation chooses among.
  criteria: (c: SarcContext) =>
    (c.tenders ?? []).map((t) => ({ id: tenderKey(t), label: t.bidder, weight: 0 })),
  awardEndsOn: (c: SarcContext) => c.contract?.endsOn ?? null,
  takesReturns: true,
  // The Ministry of Justice's measures, as for every victims' service.
  measures: victimsMeasures,
  awardPeriod: (c: SarcContext) =>
    c.contract ? { startsOn: c.contract.startsOn, endsOn: c.contract.endsOn } : null,
  title: 'SARC re-commissioning',
  description:
    'The procurement of the Sexual Assault Referral Centre contract, jointly commissioned with NHS England and the county and city councils: tender, evaluation, moderation, joint board decision, standstill, award and the live contract.',
  machine,
  input: creationInput,
  createdBy: officer,
  states: {
    specification: { label: 'Writing the specification' },
    tendering: { label: 'Out to tender' },
    evaluation: { label: 'Evaluating tenders' },
    moderation: { label: 'Moderating scores' },
    boardDecision: { label: 'With the joint commissioning board' },
    awardNotice: { label: 'Awaiting the award notice' },
    standstill: { label: 'Standstill period' },
    suspended: { label: 'Award suspended by a challenge' },
    readyToAward: { label: 'Standstill ended, ready to award' },
    mobilisation: { label: 'Contract awarded, mobilising' },
    live: { label: 'Contract live' },
    reprocuring: { label: 'Contract live, being re-procured' },
    abandoned: { label: 'Procurement abandoned' },
    terminated: { label: 'Contract ended early' },
    closed: { label: 'Contract ended' },
  },
  events: {
    PUBLISH_TENDER: byOfficer('Publish the tender', payloads.PUBLISH_TENDER, checkPublish),
    ANSWER_CLARIFICATION: {
      ...byOfficer('Answer a clarification question', payloads.ANSWER_CLARIFICATION, checkClarification),
      unavailable: clarificationClosed,
    },
    RECORD_TENDER: byOfficer('Record a tender', payloads.RECORD_TENDER, checkTender),
    CLARIFICATION_CLOSED: {
      label: 'Clarification period closed',
      payload: payloads.CLARIFICATION_CLOSED,
      sentBy: ['system'],
    },
    TENDER_DEADLINE_PASSED: {
      label: 'Tender deadline passed',
      payload: payloads.TENDER_DEADLINE_PASSED,
      sentBy: ['system'],
    },
    SCORE_TENDERS: {
      ...byOfficer('Score the tenders', payloads.SCORE_TENDERS, checkScores),
      guidance: guidance.SCORE_TENDERS,
      unavailable: (c: SarcContext) =>
        c.tenders.length === 0
          ? 'no tenders were received, so there is nothing to score: abandon the procurement'
          : null,
    },
    ABANDON: { ...byOfficer('Abandon the procurement', payloads.ABANDON), irreversible: true },
    MODERATE: {
      ...byOfficer('Record the moderation', payloads.MODERATE, checkModerate),
      guidance: guidance.MODERATE,
      // No money moves, but a preferred bidder other than the highest scorer is the approver's to sign.
      decision: { amountPence: () => null, signatureWhen: preferredNotHighest },
    },
    RECORD_PARTNER_DECISION: {
      ...byOfficer(
        "Record a partner's board decision",
        payloads.RECORD_PARTNER_DECISION,
        checkPartnerDecision,
      ),
      guidance: guidance.RECORD_PARTNER_DECISION,
    },
    RETURN_TO_MODERATION: byOfficer('Return to moderation', payloads.RETURN_TO_MODERATION),
    PUBLISH_AWARD_NOTICE: byOfficer('Publish the award notice', payloads.PUBLISH_AWARD_NOTICE, checkNotice),
    STANDSTILL_ENDED: {
      label: 'Standstill period ended',
      payload: payloads.STANDSTILL_ENDED,
      sentBy: ['system'],
    },
    RECORD_CHALLENGE: byOfficer('Record a challenge to the award', payloads.RECORD_CHALLENGE),
    RESOLVE_CHALLENGE: byOfficer('Resolve the challenge', payloads.RESOLVE_CHALLENGE),
    AWARD_CONTRACT: {
      ...byOfficer('Award the contract', payloads.AWARD_CONTRACT, checkAward),
      guidance: guidance.AWARD_CONTRACT,
      decision: {
        amountPence: (_c: SarcContext, p: Of<'AWARD_CONTRACT'>) => p.valuePence,
        signatureWhen: awardAboveTender,
      },
    },
    GO_LIVE: { ...byOfficer('Start the service', payloads.GO_LIVE, checkGoLive), unavailable: notStarted },
    TERMINATE: { ...byOfficer('End the contract early', payloads.TERMINATE), irreversible: true },
    COMPLETE: {
      ...byOfficer('Close the contract at its end', payloads.COMPLETE, checkComplete),
      unavailable: stillRunning,
    },
    CONTRACT_REVIEW: {
      ...byOfficer('Review the contract', payloads.CONTRACT_REVIEW, checkReview),
      guidance: guidance.CONTRACT_REVIEW,
      // An extension is decided on the contract's new total; re-procuring commits nothing.
      decision: { amountPence: contractTotalAfter },
    },
  },
});
