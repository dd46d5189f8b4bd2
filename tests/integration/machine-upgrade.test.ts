// A changed machine gets a new version, and cases on the old one are moved by an explicit migration:
// their context rewritten, their version bumped, the move in their history, and they run on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegationThreshold } from '../../src/domain/programmes.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { UPGRADE_EVENT, upgradeCases } from '../../src/engine/upgrade.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { victimsFigures } from '../helpers/figures.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
});
afterAll(() => t?.close());

/** Makes a case look as an older version left it: that version number, and a context without the new fields. */
async function asVersion(version: number, caseId: string, dropFields: string[]) {
  await t.sql`update cases set machine_version = ${version},
      snapshot = jsonb_set(snapshot, '{context}', (snapshot->'context') - ${dropFields}::text[])
    where id = ${caseId}`;
}

describe('moving cases to the latest machine version', () => {
  it('moves a queried monitoring return onto its measures, records the move, and it runs on', async () => {
    const { programmeId } = await t.programme({ cycle: 'victims-services' });
    const { id: awardId } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await victimsBidTo('live', h.sender(awardId, PROVIDER), { amountPence: 100_000 });
    const ret = { id: await h.returnFor(awardId, '2027-04-01') };
    const figures = { performance: 'Fine', ...victimsFigures(3, 50), spendPence: 1_000 };
    // Submitted once its quarter (April to June 2027) has ended.
    await t.onDay('2027-07-01', () =>
      h.step(ret.id, PROVIDER, { type: 'SUBMIT_RETURN', ...figures }, 'submitted'),
    );
    const queried = await h.step(ret.id, OFFICER, { type: 'QUERY_RETURN', reason: 'Why?' }, 'queried');
    // As version 3 kept it: no measures of its own, victims supported and cope-and-recover as fields.
    const old = `jsonb_build_object('performance', 'Fine', 'victimsSupported', 3, 'copeAndRecoverPercent', 50,
      'spendPence', 1000, 'underspendPence', 0, 'narrative', null, 'spendAboveAward', null)`;
    await t.sql.unsafe(`update cases set machine_version = 3, snapshot = jsonb_set(jsonb_set(jsonb_set(snapshot,
        '{context}', (snapshot->'context') - 'measures'),
        '{context,latestReturn}', ${old}), '{context,submissions}', jsonb_build_array(${old}))
      where id = '${ret.id}'`);

    const moved = await upgradeCases(t.db, t.engine.registry, systemClock);
    expect(moved['monitoring-return']).toBeGreaterThanOrEqual(1);
    const [row] =
      await t.sql`select machine_version, version, snapshot->'context' as c from cases where id = ${ret.id}`;
    expect(row).toMatchObject({ machine_version: 4, version: queried.version + 1 });
    expect(row!.c.measures.map((m: { id: string }) => m.id)).toEqual(['victimsSupported', 'copeAndRecover']);
    expect(row!.c.latestReturn).toMatchObject({
      measures: { victimsSupported: { value: 3 }, copeAndRecover: { value: 50 } },
    });
    expect(row!.c.latestReturn).not.toHaveProperty('victimsSupported');
    expect(row!.c.holdsPayments).toBe(true);
    const [history] = await t.sql`select type, from_state, to_state, actor_role, payload from case_events
      where case_id = ${ret.id} order by version desc limit 1`;
    expect(history).toEqual({
      type: UPGRADE_EVENT,
      from_state: 'queried',
      to_state: 'queried',
      actor_role: 'system',
      payload: { fromVersion: 3, toVersion: 4 },
    });

    // It runs on version 4: the resubmission gives the parts it now asks for, and accepting clears the hold.
    const noParts = { ...figures, measures: { ...figures.measures, victimsSupported: { value: 3 } } };
    const refused = await h.refuse(ret.id, PROVIDER, { type: 'RESUBMIT_RETURN', ...noParts }, 422);
    expect(refused.errors!.map((e: { field: string }) => e.field)).toContain(
      'measures.victimsSupported.Domestic abuse',
    );
    await h.step(ret.id, PROVIDER, { type: 'RESUBMIT_RETURN', ...figures, underspendPence: 0 }, 'submitted');
    const accepted = await h.step(ret.id, OFFICER, { type: 'ACCEPT_RETURN' }, 'accepted');
    expect(accepted.context.holdsPayments).toBe(false);

    // Running it again moves nothing more.
    const again = await upgradeCases(t.db, t.engine.registry, systemClock);
    expect(again['monitoring-return']).toBeUndefined();
  });

  it("moves a victims' services recommendation awaiting signature to the rulebook's hold, signed as its officer made it", async () => {
    const { programmeId } = await t.programme({
      cycle: 'victims-services',
      delegationThresholdPence: 1_000_000,
    });
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
    const s = h.on(id);
    const bid = { title: 'ISVA', summary: 'Support', amountRequestedPence: 3_000_000, service: 'isva' };
    await s(
      PROVIDER,
      { type: 'SUBMIT', ...bid, startsOn: '2027-04-01', endsOn: '2028-03-31' },
      'dueDiligence',
    );
    const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
    await s(OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
    // No panel scores this bid: scoring closes with the reason why.
    await s(OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' }, 'moderation');
    const at = await s(
      OFFICER,
      { type: 'MODERATE', scores: { need: 4, value: 4 }, rationale: 'Good' },
      'recommendation',
    );
    // As version 2 left it: the officer's recommendation written to the context and the history, the
    // case in awaitingApproval, nothing committed.
    const recommendation = { decision: 'award', amountPence: 2_000_000, rationale: 'Strong' };
    const [officer] = await t.sql`select id from users where email = ${OFFICER}`;
    await t.sql`update cases set machine_version = 2, state = 'awaitingApproval', version = ${at.version + 1},
        snapshot = jsonb_set(jsonb_set(snapshot, '{value}', '"awaitingApproval"'), '{context,recommendation}',
          ${JSON.stringify(recommendation)}::jsonb)
      where id = ${id}`;
    await t.sql`insert into case_events (case_id, version, type, payload, from_state, to_state, actor_id, actor_role)
      values (${id}, ${at.version + 1}, 'RECOMMEND_AWARD', ${JSON.stringify({ amountPence: 2_000_000, rationale: 'Strong' })}::jsonb,
        'recommendation', 'awaitingApproval', ${officer!.id}, 'officer')`;

    const moved = await upgradeCases(t.db, t.engine.registry, systemClock, { delegationThreshold });
    expect(moved['victims-services']).toBeGreaterThanOrEqual(1);
    const [row] = await t.sql`select machine_version, state, version, decision from cases where id = ${id}`;
    expect(row).toMatchObject({
      machine_version: 3,
      state: 'recommendation',
      version: at.version + 2,
      decision: {
        status: 'awaitingSignature',
        event: 'RECOMMEND_AWARD',
        payload: { amountPence: 2_000_000, rationale: 'Strong' },
        decidedBy: officer!.id,
        amountPence: 2_000_000,
        thresholdPence: 1_000_000,
      },
    });
    const [history] = await t.sql`select type, from_state, to_state from case_events
      where case_id = ${id} order by version desc limit 1`;
    expect(history).toEqual({
      type: UPGRADE_EVENT,
      from_state: 'awaitingApproval',
      to_state: 'recommendation',
    });

    // The officer who recommended cannot sign; the approver's signature makes the offer and commits.
    const officerSigns = await t.http
      .post(`/api/cases/${id}/events`)
      .set(t.as(OFFICER))
      .send({ type: 'SIGN_DECISION' });
    expect(officerSigns.status).toBe(403);
    const signed = await h.step(id, 'approver@demo.test', { type: 'SIGN_DECISION' }, 'offered');
    expect(signed.context).toMatchObject({ awardedPence: 2_000_000, committedPence: 2_000_000 });
  });

  it('moves a version-3 SARC procurement with bidders in words through version 4 to 5, where it runs on, paid as before', async () => {
    const { programmeId } = await t.programme({
      cycle: 'sarc-recommissioning',
      delegationThresholdPence: 300_000_000,
    });
    const [opcc] = await t.sql`select organisation_id as id from users where email = ${OFFICER}`;
    const input = { programmeId, title: 'SARC 2026', contractValuePence: 240_000_000 };
    const { id } = await h.open(OFFICER, 'sarc-recommissioning', input, opcc!.id as string);
    const deadlines = { clarificationDeadline: '2027-11-02', tenderDeadline: '2027-11-30' };
    const published = await h.step(id, OFFICER, { type: 'PUBLISH_TENDER', ...deadlines }, 'tendering');
    // As version 3 left a case scored and awaiting moderation: bidders named in words only.
    const tenders = [
      { bidder: 'Mountain Healthcare', pricePence: 210_000_000 },
      { bidder: 'Solace Care', pricePence: 180_000_000 },
    ];
    const scores = [
      { ...tenders[0], qualityScore: 80, qualityPoints: 56, pricePoints: 25.71, totalPoints: 81.71 },
      { ...tenders[1], qualityScore: 60, qualityPoints: 42, pricePoints: 30, totalPoints: 72 },
    ];
    const { terminateReason: _, ...v3 } = {
      ...published.context,
      tenders,
      scores,
      clarificationClosed: true,
    };
    await t.sql`update cases set machine_version = 3, state = 'moderation',
        snapshot = jsonb_set(jsonb_set(snapshot, '{value}', '"moderation"'), '{context}', ${JSON.stringify(v3)}::jsonb)
      where id = ${id}`;

    const moved = await upgradeCases(t.db, t.engine.registry, systemClock);
    expect(moved['sarc-recommissioning']).toBeGreaterThanOrEqual(1);
    const [row] =
      await t.sql`select machine_version, state, snapshot->'context' as c from cases where id = ${id}`;
    expect(row).toMatchObject({ machine_version: 5, state: 'moderation' });
    // Each step is in its history: version 3 to 4, then 4 to 5.
    const steps = await t.sql`select payload from case_events
      where case_id = ${id} and type = 'MACHINE_UPGRADED' order by version`;
    expect(steps.map((e) => e.payload)).toEqual([
      { fromVersion: 3, toVersion: 4 },
      { fromVersion: 4, toVersion: 5 },
    ]);
    expect(row!.c.tenders).toEqual(tenders.map((tender) => ({ ...tender, supplierId: null })));
    expect(row!.c.scores.map((x: { supplierId: unknown }) => x.supplierId)).toEqual([null, null]);
    expect(row!.c.terminateReason).toBeNull();

    // It runs on: a tender recorded in words is chosen by its bidder's name, and on to the board.
    const moderated = await h.step(
      id,
      OFFICER,
      { type: 'MODERATE', preferredBidder: 'Mountain Healthcare', rationale: 'Highest score' },
      'boardDecision',
    );
    expect(moderated.context.preferredBidder).toBe('Mountain Healthcare');
  });

  it('moves a version-2 payment, paid whole, to version 3 as one part of its amount, and it can be corrected', async () => {
    const { programmeId } = await t.programme({ cycle: 'youth-fund' });
    const { id: awardId } = await h.open(PROVIDER, 'youth-fund', { programmeId, title: 'Club' });
    const s = h.on(awardId);
    await s(
      PROVIDER,
      { type: 'SUBMIT', title: 'Club', summary: 'Weekly', amountRequestedPence: 100_000 },
      'submitted',
    );
    await s(OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
    const decision = {
      type: 'APPROVE',
      amountPence: 100_000,
      reportDueOn: '2031-03-31',
      quorumReason: 'At the meeting',
    };
    await s('panel@demo.test', decision, 'offered');
    await s(PROVIDER, { type: 'ACCEPT_OFFER' }, 'accepted');
    const [row] =
      await t.sql`select id from cases where award_case_id = ${awardId} and machine_id = 'award-payment'`;
    const paymentId = row!.id as string;
    await h.step(paymentId, 'finance@demo.test', { type: 'APPROVE' }, 'approved');
    const paid = await h.step(
      paymentId,
      'finance2@demo.test',
      { type: 'MARK_PAID', paidOn: t.today(), reference: 'V1-REF' },
      'paid',
    );
    await asVersion(2, paymentId, ['parts']);

    await upgradeCases(t.db, t.engine.registry, systemClock);
    const [moved] =
      await t.sql`select machine_version, version, snapshot->'context' as c from cases where id = ${paymentId}`;
    expect(moved).toMatchObject({ machine_version: 3, version: paid.version + 1 });
    expect(moved!.c).toMatchObject({
      corrections: [],
      paid: { paidOn: t.today(), reference: 'V1-REF' },
      parts: [{ amountPence: 100_000, paidOn: t.today(), reference: 'V1-REF' }],
    });
    // It runs on: its reference corrected, as a reversal and a new ledger entry.
    const correction = {
      type: 'CORRECT_PAYMENT',
      paidOn: t.today(),
      reference: 'V2-REF',
      reason: 'Typing slip',
    };
    await h.step(paymentId, 'finance@demo.test', correction, 'paid');
    const ledger = await t.sql`select amount_pence::int as amount, reference from fund_ledger
      where payment_case_id = ${paymentId} and movement = 'payment' order by id`;
    expect(ledger.map((r) => [r.amount, r.reference])).toEqual([
      [100_000, 'V1-REF'],
      [-100_000, 'V1-REF'],
      [100_000, 'V2-REF'],
    ]);
  });

  it('a case on an unregistered version that no upgrade covers is left alone', async () => {
    const id = await t.openCase(PROVIDER, 'Old');
    await t.sql`update cases set machine_version = 99 where id = ${id}`;
    await upgradeCases(t.db, t.engine.registry, systemClock);
    const [row] = await t.sql`select machine_version from cases where id = ${id}`;
    expect(row!.machine_version).toBe(99);
    await t.sql`update cases set machine_version = 2 where id = ${id}`;
  });
});

describe('the migration that brings version 1 payments into the ledger', () => {
  it('records a version 1 Youth Fund payment once, on its London date', async () => {
    const id = await t.openCase('provider@demo.test', 'Paid under v1');
    const payment = { amountPence: 12_345, paidOn: '2026-07-01', reference: 'V1' };
    await t.sql`update cases set machine_version = 1,
        snapshot = jsonb_set(snapshot, '{context,payment}', ${JSON.stringify(payment)}::jsonb)
      where id = ${id}`;
    const file = await import('node:fs').then((fs) =>
      fs.readFileSync(
        new URL('../../migrations/0007_payments_and_ledger_movements.sql', import.meta.url),
        'utf8',
      ),
    );
    const statement = file
      .split('--> statement-breakpoint')
      .find((s) => s.includes('youth-fund version 1 payment'))!;
    await t.sql.unsafe(statement);
    await t.sql.unsafe(statement); // a second run adds nothing
    const rows =
      await t.sql`select movement, amount_pence::int as amount, extract(epoch from at)::int as epoch from fund_ledger where case_id = ${id}`;
    expect(rows).toEqual([
      { movement: 'payment', amount: 12_345, epoch: Date.parse('2026-07-01T11:00:00Z') / 1000 },
    ]);
    await t.sql`update cases set machine_version = 2 where id = ${id}`;
  });
});
