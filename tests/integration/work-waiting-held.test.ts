// A decision awaiting an approver's signature waits for the approver: the case is neither in the list
// nor in the counts by stage of anyone else's work waiting, though it stays in its stage. A case someone
// declared a conflict of interest in is not their work either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisationPermissions } from '../../machines/define.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
});
afterAll(() => t?.close());

describe('work waiting and held decisions', () => {
  it('leaves a held decision out of the list and the counts of whoever acts in its stage', async () => {
    const provider = await t.newProvider('Held Trust');
    const { programmeId } = await t.programme({ cycle: 'youth-fund', delegationThresholdPence: 100_000 });
    const actor = {
      userId: provider.userId,
      role: 'provider' as const,
      organisationId: provider.organisationId,
      email: provider.email,
      permissions: organisationPermissions,
    };
    const waiting = async () => {
      const { items, counts } = await t.engine.waiting(actor);
      const inPanel = counts.find((c) => c.machineId === 'youth-fund' && c.state === 'panelReview');
      return { ids: items.map((i) => i.id), panelReview: inPanel?.count ?? 0 };
    };
    const open = async (title: string) => {
      const res = await t.http
        .post('/api/cases')
        .set(provider.auth)
        .send({ machine: 'youth-fund', input: { programmeId, title } });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      const bid = { type: 'SUBMIT', title, summary: 'Weekly', amountRequestedPence: 300_000 };
      const sent = await t.http.post(`/api/cases/${id}/events`).set(provider.auth).send(bid);
      expect(sent.status).toBe(200);
      await h.step(id, 'officer@demo.test', { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
      return id;
    };
    const waitingBid = await open('Art club');
    const heldBid = await open('Drama club');
    // Both wait with the panel, where the provider may withdraw: both are the provider's work.
    expect(await waiting()).toEqual({ ids: [heldBid, waitingBid], panelReview: 2 });

    const approve = { type: 'APPROVE', amountPence: 300_000, reportDueOn: '2031-03-31', quorumReason: 'Met' };
    await h.hold(heldBid, 'panel@demo.test', approve);
    // Above the threshold: the approver's now, in neither the list nor the count.
    expect(await waiting()).toEqual({ ids: [waitingBid], panelReview: 1 });
    // The approver's work says what waits on it: their signature, not the panel.
    const [approver] = await t.sql`select id, organisation_id from users where email = 'approver@demo.test'`;
    const approverActor = {
      userId: approver!.id as string,
      role: 'approver' as const,
      organisationId: approver!.organisation_id as string,
      email: 'approver@demo.test',
      permissions: [],
    };
    const theirs = (await t.engine.waiting(approverActor)).items.find((i) => i.id === heldBid);
    expect(theirs?.stateLabel).toBe('Decision awaiting your signature');
  });

  it('leaves out of a person’s work the cases they declared a conflict of interest in', async () => {
    const { programmeId } = await t.programme({ cycle: 'youth-fund' });
    const { id } = await h.open('provider@demo.test', 'youth-fund', { programmeId, title: 'Judo club' });
    const bid = { type: 'SUBMIT', title: 'Judo club', summary: 'Weekly', amountRequestedPence: 100_000 };
    await h.step(id, 'provider@demo.test', bid, 'submitted');
    const officerActor = async (email: string) => {
      const [u] = await t.sql`select id, organisation_id from users where email = ${email}`;
      return {
        userId: u!.id as string,
        role: 'officer' as const,
        organisationId: u!.organisation_id as string,
        email,
        permissions: [],
      };
    };
    const [olivia, omar] = [
      await officerActor('officer@demo.test'),
      await officerActor('officer2@demo.test'),
    ];
    const mine = async (who: typeof olivia) => {
      const { items, counts } = await t.engine.waiting(who);
      const submitted =
        counts.find((c) => c.machineId === 'youth-fund' && c.state === 'submitted')?.count ?? 0;
      return { listed: items.some((i) => i.id === id), submitted };
    };
    const before = await mine(omar);
    expect(before.listed).toBe(true);
    const declared = await t.http
      .put(`/api/cases/${id}/declaration`)
      .set(t.as('officer2@demo.test'))
      .send({ conflicted: true, reason: 'My brother runs the club' });
    expect(declared.status, JSON.stringify(declared.body)).toBeLessThan(300);
    expect(await mine(omar)).toEqual({ listed: false, submitted: before.submitted - 1 });
    expect((await mine(olivia)).listed).toBe(true);
  });
});
