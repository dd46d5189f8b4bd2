// /metrics in Prometheus form, to whoever brings the metrics token: request durations by route and
// status, transitions by machine, event and outcome, timer lag, the email outbox, the database's
// connections and Node's own figures. No token, or the wrong one: 401; no token set: no /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, londonDate } from '../../machines/calendar.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { providerWithPassword } from '../helpers/web.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';
let t: TestApp;
let b: ReturnType<typeof bids>;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
beforeAll(async () => {
  t = await startTestApp({ metricsToken: TOKEN });
  provider = await providerWithPassword(t, 'Metrics Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

const scrape = async () => {
  const res = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.text;
};

/** The value of one series, by its name and exact labels; undefined when it is not there. */
function seriesValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (
      Object.entries(labels).every(([k, v]) => found[k] === v) &&
      Object.keys(found).length === Object.keys(labels).length
    )
      return Number(match[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  it('is for whoever brings the metrics token alone', async () => {
    const none = await t.http.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await t.http.get('/metrics').set('Authorization', 'Bearer not-the-token')).status).toBe(401);
    expect((await t.http.get('/metrics').set(t.as('admin@demo.test'))).status).toBe(401);
    // Without a token set there is no such page at all.
    const plain = await startTestApp();
    try {
      expect((await plain.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts requests by route and status, and transitions by machine, event and outcome', async () => {
    const before = await scrape();
    const count = (text: string, labels: Record<string, string>) =>
      seriesValue(text, 'opcc_http_request_duration_seconds_count', labels) ?? 0;
    const route = { method: 'GET', route: '/api/cases/:id', status: '200' };
    await t.http.get(`/api/cases/${t.youthFund.roundId}`).set(t.as('officer@demo.test')).expect(200);
    await t.http.get(`/api/cases/${t.youthFund.roundId}`).set(t.as('officer@demo.test')).expect(200);

    const id = await b.open(t.youthFund.programmeId, 'Metrics bid');
    const accepted = { machine: 'youth-fund', event: 'SUBMIT', outcome: 'accepted' };
    const refused = { machine: 'youth-fund', event: 'APPROVE', outcome: 'refused' };
    const unknown = { machine: 'youth-fund', event: 'unknown', outcome: 'refused' };
    const transitions = (text: string, labels: Record<string, string>) =>
      seriesValue(text, 'opcc_transitions_total', labels) ?? 0;
    const send = (event: object) => t.http.post(`/api/cases/${id}/events`).set(provider.auth).send(event);
    expect((await send({ type: 'APPROVE', amountPence: 1 })).status).toBe(403);
    expect((await send({ type: 'NOT_AN_EVENT_AT_ALL' })).status).toBe(422);
    await b.ok(id, 'owner', {
      type: 'SUBMIT',
      title: 'Metrics bid',
      summary: 'Counted',
      amountRequestedPence: 10_000,
    });

    const after = await scrape();
    expect(count(after, route) - count(before, route)).toBe(2);
    expect(seriesValue(after, 'opcc_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(
      count(after, route),
    );
    expect(transitions(after, accepted) - transitions(before, accepted)).toBe(1);
    expect(transitions(after, refused) - transitions(before, refused)).toBe(1);
    expect(transitions(after, unknown) - transitions(before, unknown)).toBe(1);
  });

  it('reads the work in hand from the database: timers due and how late, email waiting and failed, connections', async () => {
    // An offer lapses 28 days after it is made; 40 days on, its timer is at least 12 days late.
    const id = await b.inPanelReview(t.youthFund.programmeId, 100_000);
    await b.ok(id, 'panel@demo.test', {
      type: 'APPROVE',
      amountPence: 100_000,
      reportDueOn: '2031-03-31',
      quorumReason: 'Decided at the panel meeting',
    });
    await t.sql`insert into outbox (message, to_email, to_name, subject, text, html, status, next_attempt_at, created_at)
      values ('test', 'gave-up@example.org', 'Gave Up', 'Failed', 'x', 'x', 'failed', now(), now())`;
    // Other files share this database and read its failed email: the row goes once read here.
    const later = await t
      .onDay(addDays(londonDate(new Date()), 40), () => scrape())
      .finally(() => t.sql`delete from outbox where to_email = 'gave-up@example.org'`);
    expect(seriesValue(later, 'opcc_timers_due')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(later, 'opcc_timer_lag_seconds')).toBeGreaterThanOrEqual(12 * 86_400);
    // The offer's email is waiting (no worker runs here); the failed one waits for an admin.
    expect(seriesValue(later, 'opcc_outbox_pending')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(later, 'opcc_outbox_failed')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(later, 'opcc_outbox_oldest_pending_seconds')).toBeGreaterThan(0);
    expect(seriesValue(later, 'opcc_database_connections', { state: 'active' })).toBeGreaterThanOrEqual(1);
    expect(seriesValue(later, 'opcc_database_pool_size')).toBe(25);
    expect(seriesValue(later, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
