// Dates far outside the years commissioning happens in are refused as input, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const expect422 = (res: { status: number; body: { errors?: { field: string }[] } }, field: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.errors?.map((e) => e.field)).toContain(field);
};

describe('dates are bounded to the years 2000 to 2199', () => {
  it('refuses a fund for financial year 0000-01', async () => {
    const res = await t.http
      .post('/api/funds')
      .set(t.as('finance@demo.test'))
      .send({ name: `Year zero ${Date.now()}`, source: 'Test', financialYear: '0000-01', budgetPence: 100 });
    expect422(res, 'financialYear');
  });

  it('refuses a programme deciding in the year 0000', async () => {
    const res = await t.http
      .post('/api/programmes')
      .set(t.as('officer@demo.test'))
      .send({
        name: `Year zero ${Date.now()}`,
        cycle: 'youth-fund',
        fundId: t.youthFund.fundId,
        themeId: 'offenders',
        outcomeIds: ['O2'],
        decisionOn: '0000-01-01',
      });
    expect422(res, 'decisionOn');
  });

  it('refuses a monitoring return due in the year 999', async () => {
    const res = await t.http
      .post('/api/cases')
      .set(t.as('officer@demo.test'))
      .send({
        machine: 'monitoring-return',
        organisationId: (
          await t.sql`select organisation_id from users where email = 'provider@demo.test'`
        )[0]!.organisation_id,
        input: {
          awardCaseId: t.youthFund.roundId,
          periodStart: '0999-01-01',
          periodEnd: '0999-03-31',
          dueOn: '0999-04-30',
        },
      });
    expect422(res, 'input.dueOn');
  });

  it('refuses extending a round to the year 0000', async () => {
    const res = await t.http
      .post(`/api/cases/${t.youthFund.roundId}/events`)
      .set(t.as('officer@demo.test'))
      .send({ type: 'EXTEND_DEADLINE', closesAt: '0000-06-01T00:00:00Z' });
    expect422(res, 'closesAt');
  });
});
