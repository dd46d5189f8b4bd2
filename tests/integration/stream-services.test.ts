// A ring-fenced stream names the services it may fund: a victims' services bid for another service
// (a road-death bereavement service against the domestic abuse and sexual violence stream) cannot
// commit to it, and the refusal writes nothing; a bid for a named service commits as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let programmeId: string;
let fundId: string;
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  ({ programmeId, fundId } = await t.programme({
    cycle: 'victims-services',
    delegationThresholdPence: 50_000_000,
    streams: [
      { name: 'Domestic abuse and sexual violence', budgetPence: 45_000_000, services: ['idva', 'isva'] },
    ],
    stream: 0,
  }));
});
afterAll(() => t.close());

/** A bid for `service`, brought to the recommendation. */
async function recommending(service: string) {
  const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
  await victimsBidTo('recommendation', h.sender(id, PROVIDER), {
    title: `A ${service} service`,
    service,
    amountPence: 2_000_000,
  });
  return id;
}

describe('a ring-fenced stream that names its services', () => {
  it('shows them with the fund', async () => {
    const res = await t.http.get(`/api/funds/${fundId}/position`).set(t.as('finance@demo.test'));
    expect(res.status).toBe(200);
    expect(res.body.streams).toEqual([expect.objectContaining({ services: ['idva', 'isva'] })]);
  });

  it('refuses to commit money for another service, writing nothing', async () => {
    const id = await recommending('bereavement');
    const [before] = await t.sql`select version from cases where id = ${id}`;
    const refused = await h.refuse(
      id,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 2_000_000, rationale: 'Good' },
      409,
    );
    expect(refused.title).toBe('The stream does not fund this service');
    expect(refused.detail).toContain(
      'The “Domestic abuse and sexual violence” stream can fund only these services: idva, isva. This is for bereavement',
    );
    const [after] = await t.sql`select version, state from cases where id = ${id}`;
    expect(after).toEqual({ version: before!.version, state: 'recommendation' });
    const [ledger] = await t.sql`select count(*)::int as n from fund_ledger where case_id = ${id}`;
    expect(ledger!.n).toBe(0);
  });

  it('commits money for a service it names', async () => {
    const id = await recommending('isva');
    await h.step(
      id,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 2_000_000, rationale: 'Good' },
      'offered',
    );
    const [ledger] =
      await t.sql`select stream_id is not null as fenced, amount_pence from fund_ledger where case_id = ${id}`;
    expect(ledger).toEqual({ fenced: true, amount_pence: '2000000' });
  });
});
