// Pages for panel members, approvers and finance over HTTP: declaring and scoring a bid, the
// decisions awaiting signature, fund positions and payments waiting for finance — and 403 for others.
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { hashPassword } from '../../src/domain/sessions.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  closeBrowser,
  cspViolations,
  expectAccessible,
  launchBrowser,
  page,
  screenshot,
  signIn,
} from '../helpers/browser.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { csrfOf, errorSummaryOf, pageHolding, signedIn } from '../helpers/web.ts';
import { youthFundEvents as events } from '../helpers/youth-fund-events.ts';

type Agent = ReturnType<typeof request.agent>;

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
/** Two panel members of this file's own, signed in. */
let ann: { id: string; email: string; agent: Agent };
let ben: { id: string; email: string; agent: Agent };

const PROVIDER: DemoEmail = 'provider@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
const APPROVER: DemoEmail = 'approver@demo.test';

beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  const [officer] = await t.sql`select organisation_id from users where email = ${OFFICER}`;
  const hash = await hashPassword(DEMO_PASSWORD);
  const member = async (name: string) => {
    const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}@demo.test`;
    const [user] = await t.sql`insert into users (email, name, role, organisation_id, password_hash)
      values (${email}, ${name}, 'panel', ${officer!.organisation_id}, ${hash}) returning id`;
    return { id: user!.id as string, email, agent: await signedIn(t.baseUrl, email, DEMO_PASSWORD) };
  };
  ann = await member('Ann Panel');
  ben = await member('Ben Panel');
  // Panel members see only the bids of programmes they sit on: the officer puts both on this
  // file's Youth Fund programme's panel.
  for (const { id } of [ann, ben]) {
    const res = await t.http
      .post(`/api/programmes/${t.youthFund.programmeId}/panel`)
      .set(t.as(OFFICER))
      .send({ userId: id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  await launchBrowser();
});
afterAll(async () => {
  await closeBrowser();
  await t?.close();
});

/** A Youth Fund bid under this file's programme, submitted and found eligible: with the panel. */
async function bidAtPanel(title: string): Promise<string> {
  const id = await t.openCase(PROVIDER, title);
  await h.step(id, PROVIDER, { ...events.SUBMIT, title }, 'submitted');
  await h.step(id, OFFICER, events.CONFIRM_ELIGIBLE, 'panelReview');
  return id;
}

const referenceOf = async (id: string) => (await h.get(id)).body.reference as string;

async function stored(id: string) {
  const declarations = await t.sql`select user_id, conflicted, reason from panel_declarations
    where case_id = ${id} order by user_id`;
  const scores = await t.sql`select user_id, scores, comment, version from panel_scores
    where case_id = ${id} order by user_id`;
  return { declarations: [...declarations], scores: [...scores] };
}

/** Posts one of a bid page's forms with the page's CSRF token. */
async function post(agent: Agent, id: string, form: 'declaration' | 'scores', body: Record<string, string>) {
  const page = await agent.get(`/panel/bids/${id}`);
  expect(page.status, page.text).toBe(200);
  return agent
    .post(`/panel/bids/${id}/${form}`)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...body });
}

/** The table row of the panel list that mentions a reference. */
const rowOf = (html: string, reference: string) =>
  [...html.matchAll(/<tr class="govuk-table__row">[\s\S]*?<\/tr>/g)]
    .map((m) => m[0])
    .find((row) => row.includes(reference)) ?? '';

describe('the panel pages', () => {
  it('lets a member declare no conflict, score, and see only their own scores', async () => {
    const id = await bidAtPanel('Boxing for girls');
    const reference = await referenceOf(id);

    const list = await ann.agent.get('/panel');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<h1 class="govuk-heading-l">Bids for the panel</h1>');
    const row = rowOf(list.text, reference);
    expect(row).toContain(`href="/panel/bids/${id}"`);
    expect(row).toContain('Boxing for girls');
    expect(row).toContain('£4,000.00');
    expect(row).toContain('Not declared');
    expect(row).toContain('Not scored');
    // Newest first: a newer bid comes before this one.
    const newer = await referenceOf(await bidAtPanel('Newer bid'));
    const relisted = (await ann.agent.get('/panel')).text;
    expect(relisted.indexOf(newer)).toBeLessThan(relisted.indexOf(reference));

    const page = await ann.agent.get(`/panel/bids/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Do you have a conflict of interest in this bid?');
    expect(page.text).not.toContain(`action="/panel/bids/${id}/scores"`);

    const declared = await post(ann.agent, id, 'declaration', { conflicted: 'no' });
    expect(declared.status, declared.text).toBe(303);
    expect(declared.headers.location).toBe(`/panel/bids/${id}?done=declared`);
    const scoring = await ann.agent.get(declared.headers.location!);
    expect(scoring.text).toContain('You declared that you have no conflict of interest in this bid.');
    expect(scoring.text).toContain(`action="/panel/bids/${id}/scores"`);
    expect(scoring.text).toContain('Evidence of need');
    expect(scoring.text).toContain('Weight 60');

    const scored = await post(ann.agent, id, 'scores', {
      'score-need': '4',
      'score-value': '5',
      comment: 'Ann thinks strong',
    });
    expect(scored.status, scored.text).toBe(303);
    expect(scored.headers.location).toBe(`/panel/bids/${id}?done=scored`);
    expect((await stored(id)).scores).toEqual([
      { user_id: ann.id, scores: { need: 4, value: 5 }, comment: 'Ann thinks strong', version: 1 },
    ]);

    // Ben scores too; each sees only their own.
    expect((await post(ben.agent, id, 'declaration', { conflicted: 'no' })).status).toBe(303);
    expect(
      (await post(ben.agent, id, 'scores', { 'score-need': '1', 'score-value': '2', comment: 'Ben doubts' }))
        .status,
    ).toBe(303);
    const annPage = (await ann.agent.get(`/panel/bids/${id}?done=scored`)).text;
    expect(annPage).toContain('Your scores were saved.');
    expect(annPage).toContain('Ann thinks strong');
    expect(annPage).toContain('88 out of 100');
    expect(annPage).not.toContain('Ben doubts');
    const benPage = (await ben.agent.get(`/panel/bids/${id}`)).text;
    expect(benPage).toContain('Ben doubts');
    expect(benPage).not.toContain('Ann thinks strong');

    const after = rowOf((await ann.agent.get('/panel')).text, reference);
    expect(after).toContain('No conflict');
    expect(after).toContain('Scored');
  });

  it('refuses a conflicted member scores and takes the bid off their list', async () => {
    const id = await bidAtPanel('Youth club trip');
    const reference = await referenceOf(id);

    // Yes without a reason: the error summary, the choice kept, nothing written.
    const noReason = await post(ben.agent, id, 'declaration', { conflicted: 'yes', reason: '' });
    expect(noReason.status).toBe(422);
    expect(errorSummaryOf(noReason.text)).toEqual([
      { href: '#declaration-reason', text: 'Enter why you have a conflict of interest' },
    ]);
    expect(noReason.text).toMatch(
      /<input[^>]*id="conflicted" name="conflicted" type="radio" value="yes" checked/,
    );
    // No answer at all.
    const noAnswer = await post(ben.agent, id, 'declaration', {});
    expect(noAnswer.status).toBe(422);
    expect(errorSummaryOf(noAnswer.text)[0]!.href).toBe('#conflicted');
    expect((await stored(id)).declarations).toEqual([]);

    const declared = await post(ben.agent, id, 'declaration', {
      conflicted: 'yes',
      reason: 'I am a trustee of the applicant',
    });
    expect(declared.status, declared.text).toBe(303);
    expect(declared.headers.location).toBe('/panel?done=conflict');
    expect((await stored(id)).declarations).toEqual([
      { user_id: ben.id, conflicted: true, reason: 'I am a trustee of the applicant' },
    ]);

    // The bid is gone from the member's list, and the banner says so.
    const list = await ben.agent.get('/panel?done=conflict');
    expect(list.text).toContain(
      'You declared a conflict of interest. That bid is no longer shown to you, and you will not score it or see its scores.',
    );
    expect(rowOf(list.text, reference)).toBe('');
    expect(list.text).not.toContain(reference);
    expect(list.text).not.toContain(`/panel/bids/${id}`);
    expect(list.text).not.toContain('Conflict declared');
    // Ann, with no conflict, still has it on her list.
    expect(rowOf((await ann.agent.get('/panel')).text, reference)).toContain(`href="/panel/bids/${id}"`);

    // For Ben it is as if the bid did not exist: no page, no scoring.
    const page = await ben.agent.get(`/panel/bids/${id}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('Youth club trip');
    const csrf = csrfOf((await ben.agent.get('/panel')).text);
    const score = await ben.agent
      .post(`/panel/bids/${id}/scores`)
      .type('form')
      .send({ _csrf: csrf, 'score-need': '5', 'score-value': '5' });
    expect(score.status).toBe(404);
    expect(score.text).not.toContain('Youth club trip');
    expect((await stored(id)).scores).toEqual([]);
  });

  it('shows bad scores in the error summary, keeps them, and writes nothing', async () => {
    const id = await bidAtPanel('Street dance');

    // Before declaring, scoring is refused and says why.
    const early = await ann.agent
      .post(`/panel/bids/${id}/scores`)
      .type('form')
      .send({ _csrf: csrfOf((await ann.agent.get('/panel')).text), 'score-need': '3', 'score-value': '3' });
    expect(early.status).toBe(409);
    expect(early.text).toContain(
      'Say whether you have a conflict of interest in this bid before you score it.',
    );

    expect((await post(ann.agent, id, 'declaration', { conflicted: 'no' })).status).toBe(303);
    const bad = await post(ann.agent, id, 'scores', {
      'score-need': '7',
      'score-value': 'lots',
      comment: 'Kept',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('<title>Error: ');
    const summary = errorSummaryOf(bad.text);
    expect(summary.map((e) => e.href)).toEqual(['#score-need', '#score-value']);
    expect(summary[0]!.text).toMatch(/^Evidence of need: /);
    expect(bad.text).toMatch(/<input[^>]*id="score-need" name="score-need" type="text"[^>]*value="7"/);
    expect(bad.text).toMatch(/<input[^>]*id="score-value" name="score-value" type="text"[^>]*value="lots"/);
    expect(bad.text).toContain('>Kept</textarea>');

    const missing = await post(ann.agent, id, 'scores', { 'score-need': '2', 'score-value': '' });
    expect(missing.status).toBe(422);
    expect(errorSummaryOf(missing.text).map((e) => e.href)).toEqual(['#score-value']);
    expect((await stored(id)).scores).toEqual([]);
  });
});

describe('who may see each page', () => {
  it('answers 403 pages to the wrong roles', async () => {
    const id = await bidAtPanel('Not for you');
    const agents = Object.fromEntries(
      await Promise.all(
        (['officer@demo.test', 'provider@demo.test', 'finance@demo.test', 'approver@demo.test'] as const).map(
          async (email) => [email, await signedIn(t.baseUrl, email, DEMO_PASSWORD)] as const,
        ),
      ),
    ) as Record<string, Agent>;
    const checks: [string, string][] = [
      ['officer@demo.test', '/panel'],
      ['officer@demo.test', `/panel/bids/${id}`],
      ['officer@demo.test', '/approvals'],
      ['officer@demo.test', '/finance'],
      ['provider@demo.test', '/panel'],
      ['provider@demo.test', `/panel/bids/${id}`],
      ['provider@demo.test', '/approvals'],
      ['provider@demo.test', '/finance'],
      ['finance@demo.test', '/panel'],
      ['finance@demo.test', '/approvals'],
      ['approver@demo.test', '/finance'],
      ['approver@demo.test', '/panel'],
    ];
    for (const [email, path] of checks) {
      const res = await agents[email]!.get(path);
      expect(res.status, `${email} ${path}`).toBe(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<h1 class="govuk-heading-l">You cannot see this page</h1>');
    }
    const panelMember = await ann.agent.get('/approvals');
    expect(panelMember.status).toBe(403);
    expect((await ann.agent.get('/finance')).status).toBe(403);
    // Not signed in: to sign in, then back.
    const anonymous = await t.http.get('/finance');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Ffinance');
  });
});

describe('the approver and finance pages', () => {
  it('lists a victims’ services decision awaiting the approver’s signature, with its amount', async () => {
    const programme = await t.programme({ cycle: 'victims-services', delegationThresholdPence: 100 });
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId: programme.programmeId });
    const s = h.on(id);
    const bid = {
      title: 'IDVA outreach',
      summary: 'Two IDVAs',
      startsOn: '2027-04-01',
      endsOn: '2028-03-31',
      service: 'idva',
    };
    await s(PROVIDER, { type: 'SUBMIT', ...bid, amountRequestedPence: 1_234_567 }, 'dueDiligence');
    const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
    await s(OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
    // No panel member scored this bid: scoring closes with the reason why.
    await s(OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' }, 'moderation');
    await s(
      OFFICER,
      { type: 'MODERATE', scores: { need: 4, value: 4 }, rationale: 'Agreed' },
      'recommendation',
    );
    // Above the £1 threshold: the rulebook holds the recommendation for the approver's signature.
    const waiting = await h.hold(id, OFFICER, {
      type: 'RECOMMEND_AWARD',
      amountPence: 1_234_500,
      rationale: 'Strong',
    });

    const approver = await signedIn(t.baseUrl, APPROVER, DEMO_PASSWORD);
    const res = await approver.get('/approvals');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 class="govuk-heading-l">Decisions awaiting your signature</h1>');
    const row = rowOf(res.text, waiting.reference as string);
    expect(row).toContain(`href="/cases/${id}"`);
    expect(row).toContain('IDVA outreach');
    // The amount to sign (not the £12,345.67 asked for), and what the approver may do with it.
    expect(row).toContain('£12,345.00');
    expect(row).toContain('Sign the decision; Send the decision back');
    // The case page is where the approver signs, reading what is to be signed: first they declare
    // any conflict of interest, and only then is the signature theirs to give.
    const undeclared = await approver.get(`/cases/${id}`);
    expect(undeclared.text).toContain(
      '<h2 class="govuk-heading-m" id="interest-heading">Conflict of interest</h2>',
    );
    expect(undeclared.text).toContain(`action="/cases/${id}/declaration"`);
    expect(undeclared.text).not.toContain(`href="/cases/${id}/events/SIGN_DECISION"`);
    expect(/<div[^>]*id="held-decision"[\s\S]*?<\/dl>/.exec(undeclared.text)?.[0]).toContain('£12,345.00');
    const declared = await approver
      .post(`/cases/${id}/declaration`)
      .type('form')
      .send({ _csrf: csrfOf(undeclared.text), conflicted: 'no' });
    expect(declared.status, declared.text).toBe(303);
    expect(declared.headers.location).toBe(`/cases/${id}?done=declared`);
    const kase = await approver.get(declared.headers.location!);
    expect(kase.text).toContain('Your declaration of interest was saved.');
    expect(kase.text).not.toContain(`action="/cases/${id}/declaration"`);
    expect(kase.text).toContain(`href="/cases/${id}/events/SIGN_DECISION"`);
    const sign = await approver.get(`/cases/${id}/events/SIGN_DECISION`);
    expect(sign.text).toContain(`action="/cases/${id}/events/SIGN_DECISION"`);
    // Beside it, the panel's scores as moderators read them: here nobody on the panel scored.
    const panelScores = /<section[^>]*id="panel-scores"[\s\S]*?<\/section>/.exec(kase.text)?.[0] ?? '';
    expect(panelScores).toContain('0 of the 2 panel members needed have scored.');
    const held = /<div[^>]*id="held-decision"[\s\S]*?<\/dl>/.exec(kase.text)?.[0] ?? '';
    expect(held).toContain('Recommend an award');
    expect(held).toContain('£12,345.00');
  });

  it('shows finance every fund’s position to the penny and, in sum, the payments waiting, an accepted award’s among them', async () => {
    const id = await bidAtPanel('Climbing wall');
    await h.step(id, 'panel@demo.test', { ...events.APPROVE, amountPence: 312_345 }, 'offered');
    const accepted = await h.step(id, PROVIDER, events.ACCEPT_OFFER, 'accepted');
    // Accepting opened the grant's one payment: that is finance's to approve, not the grant itself.
    const payment = await paymentHelpers(t).openPaymentOf(id);

    const finance = await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD);
    const res = await finance.get('/finance');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 class="govuk-heading-l">Funds and payments</h1>');

    // The payments waiting in sum (every file's, in the shared database): a scheduled one at least,
    // the first few, and a link to them all, a page at a time.
    const totals = /<table[^>]*id="payment-totals"[\s\S]*?<\/table>/.exec(res.text)?.[0] ?? '';
    const scheduled = rowOf(totals, 'Scheduled, awaiting approval');
    expect(Number(/<td[^>]*>([\d,]+)<\/td>/.exec(scheduled)?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(rowOf(totals, 'All waiting')).toMatch(/£[\d,]+\.\d\d/);
    expect(res.text).toContain('id="first-payments"');
    expect(res.text).toContain('href="/finance/payments#waiting"');

    // The payment is on the payments page's list, on whichever page; the grant is not: it waits for
    // its payment, not for finance.
    const listed = await pageHolding(finance, '/finance/payments', payment.reference as string);
    const waiting = /<table[^>]*id="payments-waiting"[\s\S]*?<\/table>/.exec(listed ?? '')?.[0] ?? '';
    const row = rowOf(waiting, payment.reference as string);
    expect(row).toContain(`href="/cases/${payment.id}"`);
    expect(row).toContain('Scheduled, awaiting approval');
    expect(row).toContain('£3,123.45');
    expect(rowOf(waiting, accepted.reference as string)).toBe('');

    const fund = new RegExp(`<section[^>]*id="fund-${t.youthFund.fundId}"[\\s\\S]*?</section>`).exec(
      res.text,
    )?.[0];
    expect(fund, 'this file’s fund is on the page').toBeDefined();
    const cells = [...rowOf(fund!, 'Whole fund').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) =>
      m[1]!.trim(),
    );
    // What the API says, to the penny, in pounds.
    expect(await h.position(t.youthFund.fundId)).toEqual(h.money(1_000_000_000, 312_345, 0));
    expect(cells).toEqual(['£10,000,000.00', '£3,123.45', '£0.00', '£9,996,876.55']);

    // The demo funds are there too, with streams and contributors where they have them.
    expect(res.text).toContain('Ring-fenced: ');
    expect(res.text).toContain('Contributor: ');
  });

  it("lists later years' funds on the finance page, and lets finance confirm an indicative budget on the fund's page", async () => {
    const { fundId } = await t.programme();
    const [next] = await t.sql`update funds set indicative = true
      where name = (select name from funds where id = ${fundId}) and financial_year = '2027-28' returning id`;
    const nextId = next!.id as string;
    const finance = await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD);
    const list = await finance.get('/finance');
    // Later years are one row each, with their budget's standing and a link to the fund.
    const later = /<table[^>]*id="later-funds"[\s\S]*?<\/table>/.exec(list.text)?.[0] ?? '';
    const row = rowOf(later, `href="/finance/funds/${nextId}"`);
    expect(row).toContain('Indicative');
    expect(row).toContain('2027-28');
    expect(list.text).not.toContain(`id="fund-${nextId}"`);

    const page = await finance.get(`/finance/funds/${nextId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Indicative budget');
    expect(page.text).toContain('Confirm the budget');
    // A figure that is not money is refused with the GOV.UK error summary, the value kept, nothing changed.
    const bad = await finance
      .post(`/finance/funds/${nextId}/confirm`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), budgetPence: 'ten thousand' });
    expect(bad.status).toBe(422);
    expect(errorSummaryOf(bad.text).map((e) => e.href)).toEqual(['#budgetPence']);
    expect(bad.text).toContain('value="ten thousand"');
    const [still] = await t.sql`select indicative from funds where id = ${nextId}`;
    expect(still!.indicative).toBe(true);
    // Confirmed at £9,000,000: the page says so, and the tag changes.
    const done = await finance
      .post(`/finance/funds/${nextId}/confirm`)
      .type('form')
      .send({ _csrf: csrfOf(bad.text), budgetPence: '9,000,000.00' })
      .redirects(1);
    expect(done.status, JSON.stringify(errorSummaryOf(done.text))).toBe(200);
    expect(done.text).toContain('is confirmed at £9,000,000.00.');
    expect(done.text).toContain('Confirmed budget');
    expect(done.text).not.toContain('Indicative budget');
    expect(done.text).not.toContain('name="budgetPence"');
    // Only finance confirms budgets; an unknown fund is not found.
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const denied = await officer
      .post(`/finance/funds/${nextId}/confirm`)
      .type('form')
      .send({ _csrf: csrfOf((await officer.get('/')).text), budgetPence: '1.00' });
    expect(denied.status).toBe(403);
    expect((await finance.get('/finance/funds/not-a-fund')).status).toBe(404);
  });
});

describe('in a browser', () => {
  it('passes axe on each page, errors included, with no CSP violations', async () => {
    const id = await bidAtPanel('Accessible bid');
    const p = await page(t);
    await signIn(p, ann.email);
    await p.goto('/panel');
    await expectAccessible(p);
    await screenshot(p, 'panel');
    await p
      .getByRole('link', { name: /Accessible bid/ })
      .first()
      .click();
    await p.waitForURL(`**/panel/bids/${id}`);
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toContain('Accessible bid');
    // Yes without a reason shows the error summary.
    await p.getByRole('radio', { name: 'Yes' }).check();
    await p.getByRole('button', { name: 'Save your declaration' }).click();
    await p.waitForSelector('.govuk-error-summary');
    await expectAccessible(p);
    await screenshot(p, 'declaration-error');
    await p.getByRole('radio', { name: 'No' }).check();
    await p.getByRole('button', { name: 'Save your declaration' }).click();
    await p.getByLabel('Evidence of need').fill('9');
    await p.getByLabel('Value for money').fill('3');
    await p.getByRole('button', { name: 'Save your scores' }).click();
    await p.waitForSelector('.govuk-error-summary');
    await expectAccessible(p);
    await screenshot(p, 'scores-error');
    await p.getByLabel('Evidence of need').fill('4');
    await p.getByRole('button', { name: 'Save your scores' }).click();
    await p.waitForSelector('#your-scores');
    expect(p.url()).toContain(`/panel/bids/${id}?done=scored`);
    await expectAccessible(p);
    await screenshot(p, 'scored');
    expect(cspViolations(p)).toEqual([]);

    // A later year's fund of this file's budget line: its page, with the form to confirm its budget.
    const [later] = await t.sql`update funds set indicative = true
      where name = (select name from funds where id = ${t.youthFund.fundId}) and financial_year = '2028-29'
      returning id`;
    for (const [email, path] of [
      [APPROVER, '/approvals'],
      ['finance@demo.test', '/finance'],
      ['finance@demo.test', `/finance/funds/${later!.id}`],
    ] as const) {
      const other = await page(t);
      await signIn(other, email);
      await other.goto(path);
      await expectAccessible(other);
      await screenshot(other, path.slice(1).replaceAll('/', '-'));
      expect(cspViolations(other)).toEqual([]);
      await other.context().close();
    }
    await p.context().close();
    // The finance page lists every fund of the shared test database: axe takes its time over it.
  }, 90_000);
});
