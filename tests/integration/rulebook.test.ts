// The rulebook over HTTP on real PostgreSQL, for every cycle alike: a decision above the programme's
// delegation threshold waits for an approver's signature and commits nothing until it is signed; a
// decision the approver sent back needs a signature whatever its new amount; the decider never signs;
// nothing else happens to a case while its decision awaits signature; approvers are told by email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import type { Provider } from '../helpers/refusals.ts';

let t: TestApp;
let provider: Provider;
let b: ReturnType<typeof bids>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await t.newProvider('Rulebook Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

const PANEL = 'panel@demo.test';
const APPROVER = 'approver@demo.test';
const OFFICER = 'officer@demo.test';

/** What the database holds of a case: state, version, the rulebook's hold and its net commitment. */
async function stored(id: string) {
  const [row] = await t.sql`select state, version, decision from cases where id = ${id}`;
  const [money] = await t.sql`select coalesce(sum(case movement when 'commit' then amount_pence
      when 'release' then -amount_pence else 0 end), 0)::bigint as net
    from fund_ledger where case_id = ${id}`;
  return { state: row!.state, version: row!.version, decision: row!.decision, committed: Number(money!.net) };
}

async function history(id: string) {
  return t.sql<{ version: number; type: string; actor_role: string; from_state: string; to_state: string }[]>`
    select version, type, actor_role, from_state, to_state from case_events where case_id = ${id} order by version`;
}

describe('a Youth Fund panel decision above the threshold', () => {
  it('waits for the approver, commits nothing until signed, and is recorded as signed', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    const before = await stored(id);

    const held = await b.approve(id, 300_000);
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body).toMatchObject({
      state: 'panelReview',
      version: before.version + 1,
      decision: {
        status: 'awaitingSignature',
        event: 'APPROVE',
        amountPence: 300_000,
        thresholdPence: 200_000,
      },
      nextEvents: [],
    });
    expect(await stored(id)).toMatchObject({ state: 'panelReview', committed: 0 });

    // The approver is told, and may sign or send back; the provider sees no hold at all.
    const [mail] = await t.sql`select subject from outbox o join users u on u.email = o.to_email
      where o.case_id = ${id} and o.message = 'decisionAwaitingSignature' and u.role = 'approver'`;
    expect(mail?.subject).toMatch(/needs your signature/);
    const asApprover = await t.http.get(`/api/cases/${id}`).set(t.as(APPROVER));
    expect(asApprover.body.nextEvents.map((e: { type: string }) => e.type)).toEqual([
      'SIGN_DECISION',
      'SEND_BACK_DECISION',
      'REASSIGN_CASE',
    ]);
    const asProvider = await t.http.get(`/api/cases/${id}`).set(provider.auth);
    expect(asProvider.body.decision).toBeNull();

    // Nothing else happens meanwhile: not another decision, not a decline, not a withdrawal.
    const again = await b.approve(id, 100_000);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/waiting for an approver's signature/);
    const withdraw = await b.send(id, 'owner', { type: 'WITHDRAW' });
    expect(withdraw.status).toBe(409);
    // Only an approver signs.
    const officerSigns = await b.send(id, OFFICER, { type: 'SIGN_DECISION' });
    expect(officerSigns.status).toBe(403);
    expect(await stored(id)).toMatchObject({
      state: 'panelReview',
      committed: 0,
      version: before.version + 1,
    });

    const signed = await b.send(id, APPROVER, { type: 'SIGN_DECISION' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body).toMatchObject({
      state: 'offered',
      decision: null,
      context: { awardedPence: 300_000 },
    });
    expect(await stored(id)).toMatchObject({ state: 'offered', committed: 300_000, decision: null });
    expect((await history(id)).slice(-2)).toEqual([
      expect.objectContaining({
        type: 'APPROVE',
        actor_role: 'panel',
        from_state: 'panelReview',
        to_state: 'panelReview',
      }),
      expect.objectContaining({
        type: 'SIGN_DECISION',
        actor_role: 'approver',
        from_state: 'panelReview',
        to_state: 'offered',
      }),
    ]);
    // Signing twice finds nothing to sign.
    expect((await b.send(id, APPROVER, { type: 'SIGN_DECISION' })).status).toBe(409);
  });

  it('at or below the threshold takes effect at once', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    const res = await b.approve(id, 200_000);
    expect(res.body).toMatchObject({ state: 'offered', decision: null });
    expect(await stored(id)).toMatchObject({ committed: 200_000 });
  });
});

describe('a decision the approver sent back', () => {
  it('reaches an offer only through the approver, whatever its new amount', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    await b.approve(id, 300_000);

    const noReason = await b.send(id, APPROVER, { type: 'SEND_BACK_DECISION' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);

    const sentBack = await b.send(id, APPROVER, {
      type: 'SEND_BACK_DECISION',
      reason: 'Too much for this bid',
    });
    expect(sentBack.status, JSON.stringify(sentBack.body)).toBe(200);
    expect(sentBack.body).toMatchObject({
      state: 'panelReview',
      decision: { status: 'sentBack', reason: 'Too much for this bid', amountPence: 300_000 },
    });
    const [told] =
      await t.sql`select count(*)::int as n from outbox where case_id = ${id} and message = 'decisionSentBack'`;
    expect(told!.n).toBeGreaterThan(0);

    // Below the threshold now, and still held: no sidestep.
    const lower = await b.approve(id, 150_000);
    expect(lower.body).toMatchObject({
      state: 'panelReview',
      decision: { status: 'awaitingSignature', amountPence: 150_000, because: 'sentBack' },
    });
    expect(await stored(id)).toMatchObject({ committed: 0 });
    await b.ok(id, APPROVER, { type: 'SIGN_DECISION' });
    expect(await stored(id)).toMatchObject({ state: 'offered', committed: 150_000, decision: null });

    // Staff see the deliberation in the history; the provider sees only what was decided.
    const types = async (auth: Record<string, string>) =>
      ((await t.http.get(`/api/cases/${id}/history`).set(auth)).body.items as { type: string }[]).map(
        (e) => e.type,
      );
    expect((await types(t.as(OFFICER))).slice(-4)).toEqual([
      'APPROVE',
      'SEND_BACK_DECISION',
      'APPROVE',
      'SIGN_DECISION',
    ]);
    expect(await types(provider.auth)).toEqual(['CREATE', 'SUBMIT', 'CONFIRM_ELIGIBLE', 'SIGN_DECISION']);
  });

  it('lets the panel decline without a signature: a decline commits nothing', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    await b.approve(id, 300_000);
    await b.ok(id, APPROVER, { type: 'SEND_BACK_DECISION', reason: 'Reconsider' });
    // Nobody on the panel scored this bid: the decline says why it is made without them.
    await b.ok(id, PANEL, { type: 'DECLINE', reason: 'Not this year', quorumReason: 'Panel meeting' });
    expect(await stored(id)).toMatchObject({ state: 'declined', committed: 0 });
  });
});

describe('the rulebook refuses what does not fit', () => {
  it('answers 409 to signing or sending back when nothing awaits a signature', async () => {
    const { programmeId } = await t.programme();
    const id = await b.inPanelReview(programmeId, 100_000);
    for (const event of [{ type: 'SIGN_DECISION' }, { type: 'SEND_BACK_DECISION', reason: 'No' }]) {
      const res = await b.send(id, APPROVER, event);
      expect(res.status).toBe(409);
      expect(res.body.title).toBe('Nothing awaits signature');
    }
  });

  it('refuses extra fields on SIGN_DECISION with 422 and writes nothing', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    await b.approve(id, 300_000);
    const before = await stored(id);
    const res = await b.send(id, APPROVER, { type: 'SIGN_DECISION', amountPence: 1 });
    expect(res.status).toBe(422);
    expect(await stored(id)).toEqual(before);
  });
});

describe('a crime and disorder allocation', () => {
  it('is proposed, then allocated by a decision the approver signs above the threshold', async () => {
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      delegationThresholdPence: 2_500_000,
      open: false,
    });
    const [csp] = await t.sql`select id from organisations where kind = 'communitySafetyPartnership' limit 1`;
    const opened = await t.http
      .post('/api/cases')
      .set(t.as(OFFICER))
      .send({
        machine: 'crime-disorder-grant',
        organisationId: csp!.id,
        input: {
          programmeId,
          allocationPence: 6_000_000,
          financialYear: '2026-27',
          purpose: 'Safer streets',
        },
      });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    expect(await stored(id)).toMatchObject({ state: 'proposed', committed: 0 });

    const held = await b.send(id, OFFICER, { type: 'ALLOCATE' });
    expect(held.body).toMatchObject({
      state: 'proposed',
      decision: { status: 'awaitingSignature', amountPence: 6_000_000 },
    });
    expect(await stored(id)).toMatchObject({ committed: 0 });
    await b.ok(id, APPROVER, { type: 'SIGN_DECISION' });
    expect(await stored(id)).toMatchObject({ state: 'allocated', committed: 6_000_000 });
  });
});

describe("a victims' services recommendation and variation", () => {
  it('are held above the threshold; a variation is weighed on the award’s new total', async () => {
    const { programmeId } = await t.programme({
      cycle: 'victims-services',
      delegationThresholdPence: 5_000_000,
    });
    const open = await t.http.post('/api/cases').set(provider.auth).send({
      machine: 'victims-services',
      input: { programmeId },
    });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    const id = open.body.id as string;
    const steps: [string, object][] = [
      [
        'owner',
        {
          type: 'SUBMIT',
          title: 'IDVA service',
          summary: 'Support',
          amountRequestedPence: 6_000_000,
          startsOn: '2027-04-01',
          endsOn: '2028-03-31',
          service: 'idva',
        },
      ],
      [
        OFFICER,
        {
          type: 'PASS_DUE_DILIGENCE',
          checks: { safeguardingPolicy: true, insurance: true, accounts: true, governance: true },
        },
      ],
      [OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' }],
      [OFFICER, { type: 'MODERATE', scores: { need: 4, value: 3 }, rationale: 'Agreed' }],
    ];
    for (const [by, event] of steps) await b.ok(id, by as never, event as never);

    const held = await b.send(id, OFFICER, {
      type: 'RECOMMEND_AWARD',
      amountPence: 5_000_001,
      rationale: 'Strong',
    });
    expect(held.body).toMatchObject({ state: 'recommendation', decision: { status: 'awaitingSignature' } });
    await b.ok(id, APPROVER, { type: 'SIGN_DECISION' });
    expect(await stored(id)).toMatchObject({ state: 'offered', committed: 5_000_001 });

    await b.ok(id, 'owner', { type: 'ACCEPT_OFFER' });
    await b.ok(id, OFFICER, {
      type: 'SIGN_AGREEMENT',
      startsOn: '2027-04-01',
      endsOn: '2028-03-31',
      amountPence: 4_000_000,
      paymentProfile: 'quarterlyInAdvance',
    });
    expect(await stored(id)).toMatchObject({ state: 'live', committed: 4_000_000 });
    // A new end date alone, on an award below the threshold: the officer's approval is enough.
    await b.ok(id, OFFICER, { type: 'REQUEST_VARIATION', endsOn: '2028-06-30', reason: 'Later start' });
    const approved = await b.send(id, OFFICER, { type: 'APPROVE_VARIATION' });
    expect(approved.body).toMatchObject({ state: 'live', decision: null });
    // An increase past the threshold waits for the approver.
    await b.ok(id, 'owner', { type: 'REQUEST_VARIATION', amountPence: 5_500_000, reason: 'More demand' });
    const increase = await b.send(id, OFFICER, { type: 'APPROVE_VARIATION' });
    expect(increase.body).toMatchObject({
      state: 'variationRequested',
      decision: { status: 'awaitingSignature', amountPence: 5_500_000 },
    });
    expect(await stored(id)).toMatchObject({ committed: 4_000_000 });
    await b.ok(id, APPROVER, { type: 'SIGN_DECISION' });
    expect(await stored(id)).toMatchObject({ state: 'live', committed: 5_500_000 });
  });
});
