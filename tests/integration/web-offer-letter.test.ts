// The offer letter, read before "Accept the offer": the definition's words around the case's own
// terms (the amount, the dates, what is reported), in plain words, on the acceptance page itself.
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'Letter Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

/** The words a PDF prints: each content stream inflated, its text's hex strings read as WinAnsi. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const words: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const line of content.matchAll(/\[(.*?)\] TJ/g))
      words.push(
        [...line[1]!.matchAll(/<([0-9a-f]+)>/gi)]
          .map((hex) => Buffer.from(hex[1]!, 'hex').toString('latin1'))
          .join(''),
      );
  }
  return words.join('\n');
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('an offer letter', () => {
  it('is read on the page that accepts it, with the amount, the report date and what is reported', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId, 300_000);
    await b.ok(id, 'panel@demo.test', {
      type: 'APPROVE',
      amountPence: 250_000,
      reportDueOn: '2031-03-31',
      quorumReason: 'Decided at the panel meeting',
    });
    const agent = await signedIn(t.baseUrl, provider.email, provider.password);
    const page = await agent.get(`/cases/${id}/events/ACCEPT_OFFER`);
    expect(page.status).toBe(200);
    const letter = text(/<section class="app-letter[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '');
    expect(letter).toContain('Offer of a Youth Fund grant');
    expect(letter).toContain('The Police and Crime Commissioner offers your organisation a Youth Fund grant');
    expect(letter).toContain('Amount awarded £2,500.00');
    expect(letter).toContain('End-of-grant report due on 31 March 2031');
    expect(letter).toContain('The offer lapses if it is not accepted within 28 days of being made.');
    // What the report gives figures for: the grant's own measures, by name.
    const { context } = (await t.http.get(`/api/cases/${id}`).set(t.as('officer@demo.test'))).body;
    expect(context.measures.length).toBeGreaterThan(0);
    for (const measure of context.measures as { name: string }[])
      expect(letter).toContain(measure.name.toLowerCase());
    expect(letter).toContain('send the end-of-grant report by the day above, with figures for');
    // Before the button that accepts it.
    expect(page.text.indexOf('id="letter"')).toBeLessThan(page.text.search(/Accept the offer\s*<\/button>/));
    expect(page.text.search(/Accept the offer\s*<\/button>/)).toBeGreaterThan(0);
    // The same letter as a PDF to keep, dated, to the organisation, with the case's reference.
    expect(page.text).toContain(`href="/cases/${id}/events/ACCEPT_OFFER/letter.pdf"`);
    const pdf = await agent
      .get(`/cases/${id}/events/ACCEPT_OFFER/letter.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const { reference } = (await t.http.get(`/api/cases/${id}`).set(provider.auth)).body;
    expect(pdf.headers['content-disposition']).toBe(
      `attachment; filename=${reference.toLowerCase()}-offer-of-a-youth-fund-grant.pdf`,
    );
    const body = pdf.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const printed = pdfText(body);
    for (const words of [
      'Office of the Police and Crime Commissioner',
      'To: Letter Trust',
      `Reference: ${reference}`,
      'Offer of a Youth Fund grant',
      'Amount awarded',
      '£2,500.00',
      '31 March 2031',
    ])
      expect(printed, words).toContain(words);
    // Not before the case has come to it, and never to another organisation.
    const draft = await b.open(t.youthFund.programmeId, 'Not offered yet');
    expect((await agent.get(`/cases/${draft}/events/ACCEPT_OFFER/letter.pdf`)).status).toBe(404);
    const stranger = await providerWithPassword(t, 'Stranger Trust');
    const other = await signedIn(t.baseUrl, stranger.email, stranger.password);
    expect((await other.get(`/cases/${id}/events/ACCEPT_OFFER/letter.pdf`)).status).toBe(404);
    // A page without a letter has none.
    const decline = await agent.get(`/cases/${id}/events/DECLINE_OFFER`);
    expect(decline.text).not.toContain('id="letter"');
  });

  it("names a victims' service by its kind and its dates in words", async () => {
    const { programmeId } = await t.programme({
      cycle: 'victims-services',
      maxAwardPence: 5_000_000,
      delegationThresholdPence: 5_000_000,
    });
    const opened = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: 'victims-services', input: { programmeId } });
    const id = opened.body.id as string;
    await victimsBidTo('recommendation', (by, event) =>
      b.ok(id, by === 'owner' ? 'owner' : 'officer@demo.test', event),
    );
    await b.ok(id, 'officer@demo.test', {
      type: 'RECOMMEND_AWARD',
      amountPence: 900_000,
      rationale: 'Strong',
    });
    const agent = await signedIn(t.baseUrl, provider.email, provider.password);
    const letter = text(
      /<section class="app-letter[\s\S]*?<\/section>/.exec(
        (await agent.get(`/cases/${id}/events/ACCEPT_OFFER`)).text,
      )?.[0] ?? '',
    );
    expect(letter).toContain('Offer of a grant for a victims’ service');
    expect(letter).toContain('Amount awarded £9,000.00');
    expect(letter).toContain('Service starts on 1 April 2027');
    expect(letter).toContain('Service ends on 31 March 2028');
    expect(letter).toMatch(/Kind of service [A-Z][a-z]/);
    expect(letter).not.toContain('Kind of service isva');
    expect(letter).toContain('draws up the grant agreement');
  });
});
