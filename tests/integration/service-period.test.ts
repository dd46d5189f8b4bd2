// Dates mean what they say: a bid's service period starts within the dates its programme funds and
// lasts no longer than the programme allows; so do the agreement signed for it and a variation's new
// end. Refusals are 422 naming the field, and write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { openRound } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let programmeId: string;
const PROVIDER = 'provider@demo.test';
const OFFICER = 'officer@demo.test';

beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  const created = await t.http
    .post('/api/programmes')
    // An admin, as it sets the delegation threshold too.
    .set(t.as('admin@demo.test'))
    .send({
      name: 'Victims’ services with service dates',
      cycle: 'victims-services',
      fundId: (await t.programme({ cycle: 'victims-services', open: false })).fundId,
      themeId: 'victims',
      outcomeIds: ['V1'],
      delegationThresholdPence: 100_000_000,
      serviceStartsOn: '2027-04-01',
      serviceEndsOn: '2028-03-31',
      maxServiceMonths: 24,
      criteria: [
        { id: 'need', label: 'Evidence of need', weight: 60 },
        { id: 'value', label: 'Value for money', weight: 40 },
      ],
    });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body).toMatchObject({
    serviceStartsOn: '2027-04-01',
    serviceEndsOn: '2028-03-31',
    maxServiceMonths: 24,
  });
  programmeId = created.body.id;
  await openRound(t, programmeId);
});
afterAll(() => t?.close());

const bid = (startsOn: string, endsOn: string) => ({
  type: 'SUBMIT',
  title: 'ISVA service',
  summary: 'Two ISVAs',
  amountRequestedPence: 1_000_000,
  startsOn,
  endsOn,
  service: 'isva',
});

describe('a service period against its programme', () => {
  it('refuses a bid for a period long past, naming its start, and writes nothing', async () => {
    const { id, version } = await h.open(PROVIDER, 'victims-services', { programmeId });
    const refused = await h.refuse(id, PROVIDER, bid('2019-04-01', '2020-03-31'), 422);
    expect(refused.errors).toEqual([
      {
        field: 'startsOn',
        message:
          'The service must start between 1 April 2027 and 31 March 2028, the dates this programme funds',
      },
    ]);
    expect((await h.get(id)).body.version).toBe(version);
  });

  it('refuses a period longer than the programme allows, naming its end', async () => {
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
    const refused = await h.refuse(id, PROVIDER, bid('2027-04-01', '2030-03-31'), 422);
    expect(refused.errors).toEqual([
      {
        field: 'endsOn',
        message: 'The service can last at most 24 months: from 1 April 2027, it must end by 31 March 2029',
      },
    ]);
  });

  it('takes a period within the dates and the longest, to its last day; and holds the agreement and a variation to it', async () => {
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await h.step(id, PROVIDER, bid('2027-04-01', '2029-03-31'), 'dueDiligence');
    const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
    await h.step(id, OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
    await h.step(id, OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the meeting' }, 'moderation');
    await h.step(
      id,
      OFFICER,
      { type: 'MODERATE', scores: { need: 4, value: 4 }, rationale: 'Agreed' },
      'recommendation',
    );
    await h.step(
      id,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 1_000_000, rationale: 'Good' },
      'offered',
    );
    await h.step(id, PROVIDER, { type: 'ACCEPT_OFFER' }, 'agreement');
    const terms = { amountPence: 1_000_000, paymentProfile: 'oneOff' };
    const long = await h.refuse(
      id,
      OFFICER,
      { type: 'SIGN_AGREEMENT', startsOn: '2027-04-01', endsOn: '2029-04-01', ...terms },
      422,
    );
    expect(long.errors).toEqual([expect.objectContaining({ field: 'endsOn' })]);
    const late = await h.refuse(
      id,
      OFFICER,
      { type: 'SIGN_AGREEMENT', startsOn: '2028-04-01', endsOn: '2029-03-31', ...terms },
      422,
    );
    expect(late.errors).toEqual([expect.objectContaining({ field: 'startsOn' })]);
    await h.step(
      id,
      OFFICER,
      { type: 'SIGN_AGREEMENT', startsOn: '2027-04-01', endsOn: '2029-03-31', ...terms },
      'live',
    );
    const varied = await h.refuse(
      id,
      PROVIDER,
      { type: 'REQUEST_VARIATION', endsOn: '2030-03-31', reason: 'Another year' },
      422,
    );
    expect(varied.errors).toEqual([expect.objectContaining({ field: 'endsOn' })]);
  });

  it('refuses a programme whose service dates are out of order, or whose longest period is not a number of months', async () => {
    const base = {
      name: 'Bad dates',
      cycle: 'victims-services',
      fundId: (await t.programme({ open: false })).fundId,
      themeId: 'victims',
      outcomeIds: ['V1'],
    };
    for (const [extra, field] of [
      [{ serviceStartsOn: '2028-04-01', serviceEndsOn: '2027-04-01' }, 'serviceEndsOn'],
      [{ maxServiceMonths: 0 }, 'maxServiceMonths'],
      [{ maxServiceMonths: 2.5 }, 'maxServiceMonths'],
      [{ serviceStartsOn: '1 April 2027' }, 'serviceStartsOn'],
    ] as const) {
      const res = await t.http
        .post('/api/programmes')
        .set(t.as(OFFICER))
        .send({ ...base, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
