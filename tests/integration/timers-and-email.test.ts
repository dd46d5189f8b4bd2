// Timers and email end to end, in-process: the real app on the run's PostgreSQL, fireDueTimers and
// deliverDue driven by a clock moved by hand, real nodemailer and a real SMTP server on loopback.
// Other files share the database, so every run is narrowed to this file's cases and outbox rows.
// The clock starts in 2031 so that no worker running on real time (a server started by another
// file) ever finds these timers or messages due.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { timers } from '../../src/db/schema/index.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { fireDueTimers } from '../../src/engine/timer-worker.ts';
import { backoffMs, deliverDue } from '../../src/mail/sender.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import {
  DAY,
  deliverAll,
  emailsOfRole,
  engineOnOwnPool,
  historyOf,
  MINUTE,
  messageIdOf,
  outboxOf,
  silentLogger,
  smtpSender,
  subjectWords,
  tally,
  testClock,
  timerLogOf,
  timersOf,
} from '../helpers/background-work.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { type Provider, youthFundDriver } from '../helpers/youth-fund-driver.ts';
import { youthFundEvents } from '../helpers/youth-fund-events.ts';

const START = new Date('2031-03-03T10:00:00Z');
const clock = testClock(START);
let t: TestApp;
let capture: SmtpCapture;
let sender: ReturnType<typeof smtpSender>;
let officers: string[];
let provider: Provider;
let yf: ReturnType<typeof youthFundDriver>;

beforeAll(async () => {
  t = await startTestApp({ clock });
  capture = await startSmtpCapture();
  sender = smtpSender(t.db, capture, clock);
  // Officers' email goes to the case officer: the officer who confirmed each bid eligible.
  officers = ['officer@demo.test'];
  provider = await t.newProvider('Timers Trust');
  yf = youthFundDriver(t, provider);
});
afterAll(async () => {
  sender?.close();
  await capture?.close();
  await t?.close();
});
beforeEach(() => clock.set(START));

const at = (ms: number) => new Date(START.getTime() + ms);
const fire = (caseIds: string[], engine: Engine = t.engine, batch = 100) =>
  fireDueTimers({ engine, clock, logger: silentLogger }, { onlyCaseIds: caseIds, batch });
const nothing = { fired: 0, discarded: 0, postponed: 0 };
const captured = (outboxId: number) => capture.messages.filter((m) => m.messageId === messageIdOf(outboxId));
const sentTo = (rows: { message: string; toEmail: string }[]) =>
  rows.map((r) => `${r.message} → ${r.toEmail}`);
const secret = (what: string) => `${what} ${randomUUID()}`;
const ev = youthFundEvents;
/** What people wrote in the shared example events: never in an email, whoever it is to. */
const written = [ev.SUBMIT.summary, ev.SUBMIT_REPORT.summary, ev.SUBMIT_REPORT.outcomes];

/** Delivers a case's rows and checks each arrived once, to its person, saying nothing sensitive. */
async function expectDelivered(c: { id: string; reference: string }, secrets: string[] = []) {
  const ids = (await outboxOf(t.db, [c.id])).map((r) => r.id);
  await deliverAll(sender, ids);
  const rows = await outboxOf(t.db, [c.id]);
  const link = `${t.publicUrl}/cases/${c.id}`;
  for (const row of rows) {
    const mails = captured(row.id);
    expect(mails, `${row.message} to ${row.toEmail}`).toHaveLength(1);
    const mail = mails[0]!;
    expect(row.status).toBe('sent');
    expect(mail.envelope.to).toEqual([row.toEmail]);
    expect(mail.to).toContain(row.toEmail);
    expect(mail.subject).toBe(row.subject);
    expect(mail.subject.startsWith(`${c.reference}: `)).toBe(true);
    expect(mail.subject).toContain(subjectWords[row.message]);
    expect(mail.text).toContain(`Dear ${row.toName},`);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link}"`);
    const readable = [mail.subject, mail.text, mail.html, mail.raw].join('\n');
    for (const words of [...written, ...secrets]) expect(readable, `${row.message}`).not.toContain(words);
  }
  return rows;
}

describe('Youth Fund notifications', () => {
  it('sends each message of the lifecycle to the right people, with the reference, a link and no content', async () => {
    const secrets = {
      bid: secret('Bid summary'),
      report: secret('Report summary'),
      outcomes: secret('Outcomes'),
      query: secret('Query'),
    };
    const c = await yf.caseAt('reporting', {
      SUBMIT: { summary: secrets.bid },
      APPROVE: { reportDueOn: '2031-07-31' },
    });
    expect(c.reference).toMatch(/^YF-\d{6}$/);
    clock.set('2031-07-17T08:00:00Z'); // 09:00 BST, 14 days before the report is due
    expect(await fire([c.id])).toEqual({ ...nothing, fired: 1 });
    clock.set('2031-07-31T23:00:00Z'); // the first instant of 1 August in London
    expect(await fire([c.id])).toEqual({ ...nothing, fired: 1 });
    expect((await yf.getCase(c.id)).state).toBe('reportOverdue');
    clock.set('2031-08-02T10:00:00Z');
    const { report: summary, outcomes } = secrets;
    const { measures } = youthFundEvents.SUBMIT_REPORT;
    await yf.send(c.id, { type: 'SUBMIT_REPORT', summary, outcomes, spentPence: 1, measures });
    await yf.send(c.id, { type: 'QUERY_REPORT', reason: secrets.query });
    // Back in reporting: the overdue deadline again, but no second due-soon reminder.
    expect((await timersOf(t.db, [c.id])).map((r) => r.timerKey)).toEqual(['reportOverdue']);

    const rows = await expectDelivered(c, Object.values(secrets));
    const owner = ['bidReceived', 'bidEligible', 'offerMade', 'paymentRecorded', 'reportDueSoon'];
    expect(sentTo(rows)).toEqual([
      ...owner.map((m) => `${m} → ${provider.email}`),
      ...[provider.email, ...officers].map((to) => `reportOverdue → ${to}`),
      `reportQueried → ${provider.email}`,
    ]);

    // The grant's payment case tells finance it is approved, and the provider and officers it is
    // made: its own reference and link, and never the amount.
    const [payment] = await paymentHelpers(t).paymentsOf(c.id);
    const paymentRows = await expectDelivered({ id: payment!.id, reference: payment!.reference as string }, [
      ...Object.values(secrets),
      '£3,000.00',
      '300000',
    ]);
    expect(sentTo(paymentRows)).toEqual([
      ...(await emailsOfRole(t.db, 'finance')).map((to) => `paymentApproved → ${to}`),
      ...[provider.email, ...officers].map((to) => `paymentMade → ${to}`),
    ]);
  });

  it('tells the owner when a bid is found ineligible or declined, without the reason', async () => {
    const ineligible = await yf.caseAt('submitted');
    const why = secret('Outside the area');
    await yf.send(ineligible.id, { type: 'REJECT_INELIGIBLE', reason: why });
    const declined = await yf.caseAt('panelReview');
    const because = secret('Not enough need');
    await yf.send(declined.id, { ...ev.DECLINE, reason: because });

    expect(sentTo(await expectDelivered(ineligible, [why]))).toEqual([
      `bidReceived → ${provider.email}`,
      `bidIneligible → ${provider.email}`,
    ]);
    expect(sentTo(await expectDelivered(declined, [because]))).toEqual(
      ['bidReceived', 'bidEligible', 'bidDeclined'].map((m) => `${m} → ${provider.email}`),
    );
  });
});

describe('an unanswered offer', () => {
  it('reminds at 21 days, lapses at 28 days as the system, tells provider and officer, and nothing early', async () => {
    const c = await yf.caseAt('offered');
    const set = await timersOf(t.db, [c.id]);
    expect(set.map((r) => [r.dueAt, r.state])).toEqual([
      [at(21 * DAY), 'offered'],
      [at(28 * DAY), 'offered'],
    ]);
    const before = (await yf.getCase(c.id)).version;

    clock.set(at(20 * DAY + 23 * 60 * MINUTE + 59 * MINUTE)); // +20 days 23:59
    expect(await fire([c.id])).toEqual(nothing);
    clock.set(at(21 * DAY - 1));
    expect(await fire([c.id])).toEqual(nothing);
    expect((await yf.getCase(c.id)).version).toBe(before);

    clock.set(at(21 * DAY));
    expect(await fire([c.id])).toEqual({ ...nothing, fired: 1 });
    expect(await yf.getCase(c.id)).toMatchObject({ state: 'offered', version: before + 1 });
    expect(sentTo((await outboxOf(t.db, [c.id])).slice(-2))).toEqual([
      `offerMade → ${provider.email}`,
      `offerLapsing → ${provider.email}`,
    ]);

    clock.set(at(28 * DAY - 1));
    expect(await fire([c.id])).toEqual(nothing);
    clock.set(at(28 * DAY));
    expect(await fire([c.id])).toEqual({ ...nothing, fired: 1 });
    expect(await yf.getCase(c.id)).toMatchObject({ state: 'lapsed', version: before + 2 });
    expect(await timersOf(t.db, [c.id])).toEqual([]);

    const history = (await historyOf(t.db, [c.id])).slice(-2);
    expect(history.map((h) => [h.fromState, h.toState, h.actorRole, h.actorId, h.at])).toEqual([
      ['offered', 'offered', 'system', null, at(21 * DAY)],
      ['offered', 'lapsed', 'system', null, at(28 * DAY)],
    ]);
    const log = await timerLogOf(t.db, [c.id]);
    expect(log.map((l) => [l.timerKey, l.outcome, l.dueAt, l.firedAt])).toEqual(
      set.map((s) => [s.timerKey, 'fired', s.dueAt, s.dueAt]),
    );
    expect(await fire([c.id])).toEqual(nothing);

    const rows = await expectDelivered(c);
    expect(sentTo(rows.slice(4))).toEqual([provider.email, ...officers].map((to) => `offerLapsed → ${to}`));
  });
});

describe('the end-of-grant report', () => {
  it.each([
    ['in summer time', '2031-07-31', '2031-07-17T08:00:00Z', '2031-07-31T23:00:00Z'],
    ['in winter time', '2031-12-15', '2031-12-01T09:00:00Z', '2031-12-16T00:00:00Z'],
  ])(
    '%s: reminds at 09:00 London 14 days before, and is overdue at the first instant after the due day',
    async (_, reportDueOn, dueSoon, overdue) => {
      const c = await yf.caseAt('reporting', { APPROVE: { reportDueOn } });
      expect((await timersOf(t.db, [c.id])).map((r) => [r.timerKey, r.dueAt.toISOString()])).toEqual([
        ['reportDueSoon', new Date(dueSoon).toISOString()],
        ['reportOverdue', new Date(overdue).toISOString()],
      ]);
      clock.set(new Date(dueSoon).getTime() - 1);
      expect(await fire([c.id])).toEqual(nothing);
      clock.set(dueSoon);
      expect(await fire([c.id])).toEqual({ ...nothing, fired: 1 });
      const reminded = await yf.getCase(c.id);
      expect(reminded).toMatchObject({ state: 'reporting', context: { reportReminderSent: true } });

      clock.set(new Date(overdue).getTime() - 1); // 23:59:59.999 on the due day, London time
      expect(await fire([c.id])).toEqual(nothing);
      clock.set(overdue);
      expect(await fire([c.id])).toEqual({ ...nothing, fired: 1 });
      expect((await yf.getCase(c.id)).state).toBe('reportOverdue');

      const rows = await expectDelivered(c);
      expect(sentTo(rows.slice(-1 - officers.length))).toEqual(
        [provider.email, ...officers].map((to) => `reportOverdue → ${to}`),
      );
      const toOfficer = rows.find((r) => r.message === 'reportOverdue' && r.toEmail === 'officer@demo.test');
      expect(captured(toOfficer!.id)[0]!.subject).toBe(`${c.reference}: the end-of-grant report is overdue`);
    },
  );
});

describe('delivery', () => {
  it('delivers every message exactly once after the SMTP server has refused for a while', async () => {
    const cases = await Promise.all(Array.from({ length: 6 }, () => yf.caseAt('panelReview')));
    const rowsOf = () =>
      outboxOf(
        t.db,
        cases.map((c) => c.id),
      );
    const ids = (await rowsOf()).map((r) => r.id);
    expect(ids).toHaveLength(12);
    const refusingFor = 5 * MINUTE;
    const refusedBefore = capture.refused();
    capture.refuseUntil(() => clock.now().getTime() >= START.getTime() + refusingFor);

    for (let step = 0; step < 100; step++) {
      await deliverDue(sender, { onlyIds: ids });
      if ((await rowsOf()).every((r) => r.status === 'sent')) break;
      clock.advance(MINUTE / 2);
    }
    // Tried at 0, 30 s, 1½, 3½ and 7½ minutes: refused four times, accepted the fifth.
    let expectedAttempts = 1;
    for (let wait = 0; wait < refusingFor; ) wait += backoffMs(expectedAttempts++);
    for (const row of await rowsOf()) {
      expect(row).toMatchObject({ status: 'sent', attempts: expectedAttempts });
      expect(row.lastError).toMatch(/451/);
      expect(captured(row.id), `deliveries of ${row.id}`).toHaveLength(1);
    }
    expect(capture.refused() - refusedBefore).toBe(12 * (expectedAttempts - 1));
  });

  it('two workers and two senders with their own pools fire each timer and send each message once', async () => {
    const cases = [];
    for (let i = 0; i < 20; i++) cases.push(await yf.caseAt('offered'));
    const caseIds = cases.map((c) => c.id);
    expect(await timersOf(t.db, caseIds)).toHaveLength(40);
    const other = engineOnOwnPool(inject('databaseUrl'), { clock, publicUrl: t.publicUrl, poolSize: 5 });
    const otherSender = smtpSender(other.db, capture, clock);
    try {
      clock.set(at(28 * DAY));
      const drain = async (e: Engine) => {
        let fired = 0;
        for (let run = await fire(caseIds, e, 3); run.fired > 0; run = await fire(caseIds, e, 3)) {
          expect(run).toMatchObject({ discarded: 0, postponed: 0 });
          fired += run.fired;
        }
        return fired;
      };
      const [a, b] = await Promise.all([drain(t.engine), drain(other.engine)]);
      expect(a + b).toBe(40);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      expect(await timersOf(t.db, caseIds)).toEqual([]);

      const log = await timerLogOf(t.db, caseIds);
      expect(log.every((l) => l.outcome === 'fired')).toBe(true);
      expect([...tally(log.map((l) => `${l.caseId}/${l.timerKey}`)).values()]).toEqual(Array(40).fill(1));
      const lapses = (await historyOf(t.db, caseIds)).filter((h) => h.toState === 'lapsed');
      expect(lapses.map((h) => h.caseId).sort()).toEqual([...caseIds].sort());

      const ids = (await outboxOf(t.db, caseIds)).map((r) => r.id);
      // Per case: bidReceived, bidEligible, offerMade, offerLapsing, offerLapsed to owner and officers.
      expect(ids).toHaveLength(20 * (5 + officers.length));
      const [sentA, sentB] = await Promise.all([deliverAll(sender, ids), deliverAll(otherSender, ids)]);
      expect(sentA + sentB).toBe(ids.length);
      expect(sentA).toBeGreaterThan(0);
      expect(sentB).toBeGreaterThan(0);
      for (const id of ids) expect(captured(id), `deliveries of ${id}`).toHaveLength(1);
    } finally {
      otherSender.close();
      await other.close();
    }
  });
});

describe('timers that cannot fire, and a restart', () => {
  it('discards and records a timer whose event the state no longer takes, and does not retry it', async () => {
    const c = await yf.caseAt('offered');
    const { version } = await yf.getCase(c.id);
    const events = (await historyOf(t.db, [c.id])).length;
    const messages = (await outboxOf(t.db, [c.id])).length;
    await t.db.insert(timers).values({
      caseId: c.id,
      timerKey: 'stray',
      event: { type: 'REPORT_OVERDUE' },
      dueAt: clock.now(),
      state: 'offered',
    });
    expect(await fire([c.id])).toEqual({ ...nothing, discarded: 1 });
    expect(await timerLogOf(t.db, [c.id])).toMatchObject([
      {
        timerKey: 'stray',
        outcome: 'discarded',
        event: { type: 'REPORT_OVERDUE' },
        detail: 'REPORT_OVERDUE is not accepted while the case is offered.',
      },
    ]);
    // Gone, and the case's own two timers untouched.
    expect((await timersOf(t.db, [c.id])).map((r) => r.state)).toEqual(['offered', 'offered']);
    clock.advance(DAY);
    expect(await fire([c.id])).toEqual(nothing);
    expect(await timerLogOf(t.db, [c.id])).toHaveLength(1);
    expect(await yf.getCase(c.id)).toMatchObject({ state: 'offered', version });
    expect(await historyOf(t.db, [c.id])).toHaveLength(events);
    expect(await outboxOf(t.db, [c.id])).toHaveLength(messages);
  });

  it('keeps timers across a restart: a new engine on a new pool fires them once', async () => {
    const first = await startTestApp({ clock, poolSize: 3 });
    const c = await youthFundDriver(first, provider).caseAt('offered');
    const keys = (await timersOf(first.db, [c.id])).map((r) => r.timerKey);
    expect(keys).toHaveLength(2);
    await first.close(); // the engine that set the timers is gone, with its pool

    const restarted = engineOnOwnPool(inject('databaseUrl'), { clock, publicUrl: t.publicUrl });
    try {
      clock.set(at(28 * DAY));
      expect(await fire([c.id], restarted.engine)).toEqual({ ...nothing, fired: 2 });
      expect(await fire([c.id], restarted.engine)).toEqual(nothing);
    } finally {
      await restarted.close();
    }
    expect((await yf.getCase(c.id)).state).toBe('lapsed');
    const log = await timerLogOf(t.db, [c.id]);
    expect(log.map((l) => [l.outcome, l.timerKey]).sort()).toEqual(keys.map((k) => ['fired', k]).sort());
    expect((await historyOf(t.db, [c.id])).filter((h) => h.toState === 'lapsed')).toHaveLength(1);
  });
});
