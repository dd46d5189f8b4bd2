// Context-bound rules a payload of the right shape rarely meets by chance: payloads to try first for
// those events, by machine, for the tests that explore machines (see machine-explorer.ts).
import { addDays, londonDate } from '../../machines/calendar.ts';
import { figuresFor } from './figures.ts';
import type { Hint } from './machine-explorer.ts';

export const machineHints: Record<string, Record<string, Hint>> = {
  'sarc-recommissioning': {
    // Deadlines to come (the engine refuses past ones), and an award notice once the tender deadline
    // has come (the explorer waits for it: a notice is not dated after today), or the day after the
    // notice a dismissed challenge was about.
    PUBLISH_TENDER: () => {
      const today = londonDate(new Date());
      return [{ clarificationDeadline: addDays(today, 7), tenderDeadline: addDays(today, 14) }];
    },
    PUBLISH_AWARD_NOTICE: (c) => {
      const challenged = c.challenges.at(-1)?.awardNoticePublishedOn;
      return [{ publishedOn: challenged ? addDays(challenged, 1) : c.tenderDeadline }];
    },
    // An extension within the contract value budgeted (the award below leaves a penny of it), or
    // re-procuring.
    CONTRACT_REVIEW: (c) => {
      const total =
        (c.contract?.valuePence ?? 0) +
        c.extensions.reduce(
          (sum: number, e: { extensionValuePence: number }) => sum + e.extensionValuePence,
          0,
        );
      const room = c.contractValuePence - total;
      return [
        ...(c.contract && room > 0
          ? [
              {
                decision: 'extend',
                note: 'Performing well',
                newEndsOn: addDays(c.contract.endsOn, 365),
                extensionValuePence: room,
              },
            ]
          : []),
        { decision: 'reprocure', note: 'The market has changed' },
      ];
    },
    // Tenders are keyed by their supplier on record (or, from version 3, by the bidder's name).
    SCORE_TENDERS: (c) => [
      {
        scores: Object.fromEntries(
          c.tenders.map((tender: { supplierId: string | null; bidder: string }, i: number) => [
            tender.supplierId ?? tender.bidder,
            60 + i,
          ]),
        ),
      },
    ],
    MODERATE: (c) =>
      c.scores.map((s: { supplierId: string | null; bidder: string }) => ({
        preferredBidder: s.supplierId ?? s.bidder,
        rationale: 'Best',
      })),
    // Near the whole contract value: a decision the rulebook holds above a low threshold. A contract that
    // ends today may be closed as well as terminated; one that runs a year from next April only terminated (a year: fewer payments and returns for the walks to step through).
    AWARD_CONTRACT: (c) => {
      const today = londonDate(new Date());
      return [
        { endsOn: today, startsOn: `${Number(today.slice(0, 4)) - 1}${today.slice(4, 8)}01` },
        { endsOn: '2028-03-31', startsOn: '2027-04-01' },
      ].map((dates) => ({
        ...dates,
        // A penny under the budget, where there is one to spare, so an extension fits in it.
        valuePence: c.contractValuePence > 1 ? c.contractValuePence - 1 : c.contractValuePence,
        justification: 'The specification grew after tender',
      }));
    },
    RECORD_PARTNER_DECISION: (c) =>
      Object.entries(c.partnerDecisions)
        .filter(([, decision]) => (decision as { agrees: boolean } | null)?.agrees !== true)
        .map(([partner]) => ({ partner, agrees: true })),
  },
  'monitoring-return': {
    // Spend the award's value covers (the fuzzed awards may be worth a penny), with an explanation
    // in case the returns before it already reported more.
    // Figures for whatever measures the return was opened with.
    SUBMIT_RETURN: (c) => [
      {
        performance: 'On target',
        measures: figuresFor(c.measures ?? []),
        spendPence: 0,
        spendAboveAward: 'Match funding was spent first',
      },
    ],
    RESUBMIT_RETURN: (c) => [
      {
        performance: 'Recounted',
        measures: figuresFor(c.measures ?? []),
        spendPence: 0,
        spendAboveAward: 'As before',
      },
    ],
  },
  'youth-fund': {
    // A report due date not in the past, which the engine checks against today; the panel decides
    // without its quorum of scores, so says why.
    APPROVE: (c) => [
      { amountPence: c.amountRequestedPence ?? 1, reportDueOn: '2031-03-31', quorumReason: 'Panel meeting' },
    ],
    DECLINE: () => [{ reason: 'Not enough evidence', quorumReason: 'Panel meeting' }],
    // Spend within the payment, and figures for the grant's measures.
    SUBMIT_REPORT: (c) => [
      {
        summary: 'Ran sessions',
        spentPence: 0,
        outcomes: 'Fewer incidents',
        measures: figuresFor(c.measures ?? []),
      },
    ],
  },
  'victims-services': {
    // An agreement that ends today, so the grant may be completed (the engine refuses COMPLETE before
    // the agreement's end date) as well as varied or terminated.
    // Or one that runs for years yet, which may only be ended early by terminating it.
    SIGN_AGREEMENT: (c) => {
      const today = londonDate(new Date());
      return [
        {
          startsOn: `${Number(today.slice(0, 4)) - 1}${today.slice(4, 8)}01`,
          endsOn: today,
          amountPence: c.awardedPence,
          paymentProfile: 'oneOff',
        },
        {
          startsOn: `${Number(today.slice(0, 4)) - 1}${today.slice(4, 8)}01`,
          endsOn: `${Number(today.slice(0, 4)) + 3}-03-31`,
          amountPence: c.awardedPence,
          paymentProfile: 'oneOff',
        },
      ];
    },
    CLOSE_SCORING: () => [{ quorumReason: 'Scored at the panel meeting' }],
    MODERATE: (c) => [
      {
        scores: Object.fromEntries(c.criteria.map((criterion: { id: string }) => [criterion.id, 3])),
        rationale: 'Agreed',
      },
    ],
  },
};
