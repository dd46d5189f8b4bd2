// One valid example of every Youth Fund event, shared by the unit and integration tests.
import type { YouthFundEvent } from '../../machines/youth-fund.ts';

type EventType = YouthFundEvent['type'];

export const youthFundEvents = {
  SUBMIT: { type: 'SUBMIT', title: 'Boxing club', summary: 'Weekly sessions', amountRequestedPence: 400_000 },
  CONFIRM_ELIGIBLE: { type: 'CONFIRM_ELIGIBLE' },
  REJECT_INELIGIBLE: { type: 'REJECT_INELIGIBLE', reason: 'Outside the force area' },
  // Years ahead: a worker on real time (a server another file starts) must never find the report
  // timers of cases that use this example due.
  // The panel decides without the programme's quorum of scores, so it says why (tests of the quorum
  // itself leave this out).
  APPROVE: {
    type: 'APPROVE',
    amountPence: 300_000,
    reportDueOn: '2036-03-31',
    quorumReason: 'Decided at the panel meeting',
  },
  DECLINE: {
    type: 'DECLINE',
    reason: 'Not enough evidence of need',
    quorumReason: 'Decided at the panel meeting',
  },
  ACCEPT_OFFER: { type: 'ACCEPT_OFFER' },
  DECLINE_OFFER: { type: 'DECLINE_OFFER', reason: 'Found other funding' },
  RECORD_PAYMENT: { type: 'RECORD_PAYMENT', amountPence: 300_000, paidOn: '2025-05-01', reference: 'BACS-1' },
  SUBMIT_REPORT: {
    type: 'SUBMIT_REPORT',
    summary: 'Ran 40 sessions',
    spentPence: 290_000,
    outcomes: 'Less ASB',
    // A figure for each of the Youth Fund's measures, which the helper's programme gives the bid.
    measures: {
      youngPeopleTakingPart: {
        value: 40,
        breakdown: { 'Aged 10 to 13': 12, 'Aged 14 to 17': 22, 'Aged 18 to 24': 6 },
      },
      youngPeopleCompleting: { value: 31 },
      feelLessLikelyToOffend: { value: 77.5 },
    },
  },
  ACCEPT_REPORT: { type: 'ACCEPT_REPORT' },
  QUERY_REPORT: { type: 'QUERY_REPORT', reason: 'Please add receipts' },
  WITHDRAW: { type: 'WITHDRAW', reason: 'Project cancelled' },
  EXTEND_OWN_DEADLINE: {
    type: 'EXTEND_OWN_DEADLINE',
    closesAt: '2031-01-31T17:00:00+00:00',
    reason: 'The applicant’s treasurer was in hospital',
  },
  REPORT_DUE_SOON: { type: 'REPORT_DUE_SOON' },
  REPORT_OVERDUE: { type: 'REPORT_OVERDUE' },
} as const satisfies { [K in EventType]: Extract<YouthFundEvent, { type: K }> };
