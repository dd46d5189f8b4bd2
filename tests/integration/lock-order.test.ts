// Cases are locked in one global order: an award before the cases about it. Recording a payment locks
// the payment's award first (then the payment), and varying an award locks the award and then its
// payments, so the two, sent at once on one award, never deadlock: each request is taken or refused
// for what the case is at that moment, never for a deadlock, and the money adds up afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { actorOf } from '../../src/domain/people.ts';
import type { Actor } from '../../src/engine/actor.ts';
import { ProblemError } from '../../src/engine/errors.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { declareNoConflict } from '../helpers/declarations.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import type { Provider } from '../helpers/refusals.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

let t: TestApp;
let provider: Provider;
let b: ReturnType<typeof bids>;
let pay: ReturnType<typeof paymentHelpers>;
let officer: Actor;
let finance2: Actor;
beforeAll(async () => {
  t = await startTestApp();
  provider = await t.newProvider('Lock Order Trust');
  b = bids(t, provider);
  pay = paymentHelpers(t);
  officer = actorOf((await findUserByEmail(t.db, 'officer@demo.test'))!);
  finance2 = actorOf((await findUserByEmail(t.db, 'finance2@demo.test'))!);
});
afterAll(() => t.close());

const OFFICER = 'officer@demo.test';

/** A live victims' services award of £120,000 in 12 instalments, every payment approved by finance. */
async function liveAward(): Promise<string> {
  const { programmeId } = await t.programme({
    cycle: 'victims-services',
    delegationThresholdPence: 50_000_000,
  });
  const open = await t.http
    .post('/api/cases')
    .set(provider.auth)
    .send({ machine: 'victims-services', input: { programmeId } });
  expect(open.status, JSON.stringify(open.body)).toBe(201);
  const id = open.body.id as string;
  await victimsBidTo('live', (by, event) => b.ok(id, by === 'owner' ? 'owner' : OFFICER, event), {
    title: 'Counselling',
    service: 'counselling',
    amountPence: 12_000_000,
    startsOn: '2026-04-01',
    endsOn: '2027-03-31',
    paymentProfile: 'instalments',
    instalments: 12,
  });
  for (const payment of await pay.paymentsOf(id)) await pay.approve(payment.id);
  return id;
}

/** What became of one request: taken, or refused and how. A deadlock is PostgreSQL's 40P01. */
async function outcome(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'taken';
  } catch (error) {
    if (error instanceof ProblemError) return `refused ${error.status}`;
    const code = (error as { code?: string }).code;
    return `fault ${code ?? String(error)}`;
  }
}

describe('an award varied while its payments are recorded as paid', () => {
  it('never deadlocks; each request is taken or refused for the state it found; the money adds up', async () => {
    const awardId = await liveAward();
    const payments = await pay.paymentsOf(awardId);
    expect(payments.map((p) => p.state)).toEqual(Array(12).fill('approved'));

    const results: string[] = [];
    for (const [round, amountPence] of [13_000_000, 12_500_000, 14_000_000].entries()) {
      const open = (await pay.paymentsOf(awardId)).filter((p) => p.state === 'approved');
      const marks = open.slice(0, 3).map((p) =>
        outcome(() =>
          t.engine.send(finance2, p.id, {
            type: 'MARK_PAID',
            paidOn: t.today(),
            reference: `BACS-${round}-${p.id.slice(0, 6)}`,
          }),
        ),
      );
      const vary = outcome(async () => {
        await t.engine.send(officer, awardId, {
          type: 'REQUEST_VARIATION',
          amountPence,
          reason: `Round ${round}`,
        });
        await declareNoConflict(t.db, t.engine, officer, awardId);
        await t.engine.send(officer, awardId, { type: 'APPROVE_VARIATION' });
      });
      results.push(...(await Promise.all([vary, ...marks])));
      // Finance approves again whatever the variation sent back to be approved.
      for (const p of await pay.paymentsOf(awardId)) if (p.state === 'scheduled') await pay.approve(p.id);
    }

    expect(
      results.filter((r) => r.startsWith('fault')),
      'faults (a deadlock is 40P01)',
    ).toEqual([]);
    // A payment the variation re-profiled first is no longer approved: 409 for its state, nothing else.
    expect(results.filter((r) => r !== 'taken' && r !== 'refused 409')).toEqual([]);
    expect(results.filter((r) => r === 'taken').length).toBeGreaterThan(3);

    // Unpaid payments and what has been paid add up to what the award holds, to the penny.
    const [money] = await t.sql`select
        coalesce(sum(case movement when 'commit' then amount_pence when 'release' then -amount_pence end), 0)::bigint as committed,
        coalesce(sum(case movement when 'payment' then amount_pence when 'repayment' then -amount_pence end), 0)::bigint as paid
      from fund_ledger where case_id = ${awardId}`;
    const unpaid = (await pay.paymentsOf(awardId))
      .filter((p) => ['scheduled', 'approved', 'held'].includes(p.state))
      .reduce((sum, p) => sum + Number(p.context.amountPence), 0);
    expect(Number(money!.committed)).toBe(14_000_000);
    expect(unpaid + Number(money!.paid)).toBe(14_000_000);
  });
});
