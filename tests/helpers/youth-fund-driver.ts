// Drives Youth Fund cases over HTTP for one provider of a test's own organisation, each event sent
// by a user who may send it: the provider for the owner's events, the demo staff for the rest.
// RECORD_PAYMENT is the system's, sent when the grant's payment is made: here it means finance pays
// the award through its payment case (approved by one finance user, recorded paid by another).
import type { DemoEmail, TestApp } from './app.ts';
import { declareBefore } from './declarations.ts';
import { paymentHelpers } from './payments.ts';
import { youthFundEvents } from './youth-fund-events.ts';

export type Provider = Awaited<ReturnType<TestApp['newProvider']>>;
export type Event = { type: string } & Record<string, unknown>;

const staffFor: Record<string, DemoEmail> = {
  CONFIRM_ELIGIBLE: 'officer@demo.test',
  REJECT_INELIGIBLE: 'officer@demo.test',
  ACCEPT_REPORT: 'officer@demo.test',
  QUERY_REPORT: 'officer@demo.test',
  APPROVE: 'panel@demo.test',
  DECLINE: 'panel@demo.test',
};

/** The happy path, in order; `caseAt` stops after the event that reaches the state asked for. */
const path = [
  ['submitted', 'SUBMIT'],
  ['panelReview', 'CONFIRM_ELIGIBLE'],
  ['offered', 'APPROVE'],
  ['accepted', 'ACCEPT_OFFER'],
  ['reporting', 'RECORD_PAYMENT'],
] as const;
export type PathState = 'draft' | (typeof path)[number][0];

export interface OpenedCase {
  id: string;
  reference: string;
}

export function youthFundDriver(t: TestApp, provider: Provider) {
  const payments = paymentHelpers(t);

  async function send(id: string, event: Event): Promise<any> {
    if (event.type === 'RECORD_PAYMENT') {
      // Paid today on the app's clock: a paid day can be neither later nor before the approval.
      const { reference } = event as { reference?: string };
      await payments.payAward(id, { reference });
      return getCase(id);
    }
    const staff = Object.hasOwn(staffFor, event.type) ? staffFor[event.type] : undefined;
    const auth = staff ? t.as(staff) : provider.auth;
    // Whoever decides declares no conflict of interest first, as the rulebook asks.
    await declareBefore((path) => t.http.put(path).set(auth), id, event.type);
    const res = await t.http.post(`/api/cases/${id}/events`).set(auth).send(event);
    if (res.status !== 200) throw new Error(`${event.type}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function open(title = 'Youth project'): Promise<OpenedCase> {
    const res = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });
    if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, reference: res.body.reference };
  }

  /** A new case of this provider's, driven along the happy path to `state`; `events` override payloads. */
  async function caseAt(
    state: PathState,
    events: Partial<Record<(typeof path)[number][1], Partial<Event>>> = {},
    title?: string,
  ): Promise<OpenedCase> {
    const opened = await open(title);
    for (const [reached, type] of state === 'draft' ? [] : path) {
      await send(opened.id, { ...youthFundEvents[type], ...events[type] });
      if (reached === state) break;
    }
    return opened;
  }

  const getCase = async (id: string) => (await t.http.get(`/api/cases/${id}`).set(provider.auth)).body;

  return { send, open, caseAt, getCase };
}
