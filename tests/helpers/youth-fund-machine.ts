// The Youth Fund machine driven purely (no engine, no database) through the machine harness, shared
// by its unit test files: a programme's settings as the domain layer would add them, paths to every
// state, the offer timers, and what each state accepts.
import type { ProgrammeSettings } from '../../machines/define.ts';
import {
  OFFER_LAPSES_AFTER_MS,
  OFFER_REMINDER_AFTER_MS,
  type YouthFundEvent,
  type YouthFundInput,
  youthFund,
  youthFundMeasures,
} from '../../machines/youth-fund.ts';
import { type EventOf, harness, ofType, words } from './machine-harness.ts';
import { youthFundEvents } from './youth-fund-events.ts';

export type Event = EventOf<typeof youthFund>;
export type EventType = YouthFundEvent['type'];

export const ev = youthFundEvents;
export const allEvents = Object.keys(ev) as EventType[];

/** What prepareProgrammeInput adds for a case opened under a Youth Fund programme. */
export const programme: ProgrammeSettings = {
  id: '5a1f3c2e-8b7d-4e6f-9a0b-1c2d3e4f5a6b',
  name: 'Youth Fund 2026-27',
  maxAwardPence: 500_000,
  delegationThresholdPence: 500_000,
  criteria: [
    { id: 'need', label: 'Evidence of need', weight: 60 },
    { id: 'value', label: 'Value for money', weight: 40 },
  ],
  closesAt: '2027-01-31T23:59:00.000Z',
  measures: [...youthFundMeasures],
};
/** The machine input of a case opened under `programme`, as the engine passes it. */
export const programmeInput: YouthFundInput = { programmeId: programme.id, programme };
export const underProgramme = (settings: Partial<ProgrammeSettings>, extra: YouthFundInput = {}) => ({
  programmeId: programme.id,
  programme: { ...programme, ...settings },
  ...extra,
});

export const youthFundHarness = harness(youthFund, programmeInput);
export const { machine, start, send, run, can, roundTrip } = youthFundHarness;

// The two delayed events XState raises on entering `offered`: the 21-day reminder and the 28-day lapse.
const [, intoOffered] = run([ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE]);
export const raises = ofType(intoOffered, 'xstate.raise');
const raiseAfter = (delay: number) => raises.find((p) => p.delay === delay);
export const reminder = { type: raiseAfter(OFFER_REMINDER_AFTER_MS)?.event.type as string };
export const lapse = { type: raiseAfter(OFFER_LAPSES_AFTER_MS)?.event.type as string };

// RECORD_PAYMENT is the domain's news that the award's payment case was paid (a system event).
export const happy = words(
  'SUBMIT CONFIRM_ELIGIBLE APPROVE ACCEPT_OFFER RECORD_PAYMENT SUBMIT_REPORT ACCEPT_REPORT',
);
export const happyStates = words(
  'draft submitted panelReview offered accepted reporting reportSubmitted closed',
);
export const pathTo: Record<string, Event[]> = {
  ...Object.fromEntries(happyStates.map((s, i) => [s, happy.slice(0, i).map((t) => ev[t as EventType])])),
  reportOverdue: [...happy.slice(0, 5).map((t) => ev[t as EventType]), ev.REPORT_OVERDUE],
  ineligible: [ev.SUBMIT, ev.REJECT_INELIGIBLE],
  declined: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.DECLINE],
  offerDeclined: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE, ev.DECLINE_OFFER],
  lapsed: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE, lapse],
  withdrawn: [ev.WITHDRAW],
};
export const reach = (state: string, input?: YouthFundInput) => run(pathTo[state]!, input)[0];
/** A paid case whose APPROVE set `reportDueOn`, with the actions of entering `reporting`. */
export const paid = (reportDueOn: string) =>
  run([ev.SUBMIT, ev.CONFIRM_ELIGIBLE, { ...ev.APPROVE, reportDueOn }, ev.ACCEPT_OFFER, ev.RECORD_PAYMENT]);
export const schedules = (dueSoon: string | null, overdue: string) => [
  { id: 'reportDueSoon', event: { type: 'REPORT_DUE_SOON' }, at: dueSoon },
  { id: 'reportOverdue', event: { type: 'REPORT_OVERDUE' }, at: overdue },
];

export const accepts: Record<string, string[]> = {
  draft: ['SUBMIT', 'WITHDRAW', 'EXTEND_OWN_DEADLINE'],
  submitted: ['CONFIRM_ELIGIBLE', 'REJECT_INELIGIBLE', 'WITHDRAW'],
  panelReview: ['APPROVE', 'DECLINE', 'WITHDRAW'],
  offered: ['ACCEPT_OFFER', 'DECLINE_OFFER', reminder.type, lapse.type],
  accepted: ['RECORD_PAYMENT'],
  // RECORD_PAYMENT after payment: the payment restated after finance corrected its record.
  reporting: ['SUBMIT_REPORT', 'RECORD_PAYMENT', 'REPORT_DUE_SOON', 'REPORT_OVERDUE'],
  reportOverdue: ['SUBMIT_REPORT', 'RECORD_PAYMENT'],
  reportSubmitted: ['RECORD_PAYMENT', 'ACCEPT_REPORT', 'QUERY_REPORT'],
};
export const finals = ['ineligible', 'declined', 'offerDeclined', 'lapsed', 'closed', 'withdrawn'];
for (const state of finals) accepts[state] = [];
export const everyEvent: Event[] = [...Object.values(ev), reminder, lapse];
