// The offer letter, read before "Accept the offer": the definition's words around the case's own
// terms (the amount, the dates, what is reported), in plain words, on the acceptance page itself.
// The grant agreement, drawn up once signed with its payments and returns; the conditions of a
// crime and disorder grant before the partnership accepts them. Each to download as a PDF.
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayInWords, londonDate } from '../../machines/calendar.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
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

/**
 * The words a PDF prints: each content stream (read by its stated length, since its compressed bytes
 * may hold anything) inflated, its text's hex strings read as WinAnsi.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const words: string[] = [];
  for (const match of raw.matchAll(/\/Length (\d+)[^>]*>>\s*stream\r?\n/g)) {
    const start = match.index + match[0].length;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, start + Number(match[1]))).toString('latin1');
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
  // WinAnsi's curly quotes, where Latin-1 has control codes.
  const quotes: Record<string, string> = { '\x91': '‘', '\x92': '’', '\x93': '“', '\x94': '”' };
  // A line wrapped at a space is read as one.
  return words
    .join('\n')
    .replace(/ \n/g, ' ')
    .replace(/[\x91-\x94]/g, (c) => quotes[c]!);
}

/** A PDF the agent downloads, as its status and bytes. */
async function download(agent: Awaited<ReturnType<typeof signedIn>>, path: string) {
  const res = await agent
    .get(path)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: res.status, type: res.headers['content-type'], body: res.body as Buffer };
}

const lettersListed = (html: string) =>
  [
    ...(/id="case-letter-list"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '').matchAll(
      /href="([^"]+)"[^>]*>([^<]+)</g,
    ),
  ].map((m) => [m[2], m[1]]);

/** A victims' service bid brought to an offer of this amount, within the programme's threshold. */
async function offeredVictimsService(amountPence: number): Promise<string> {
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
  await b.ok(id, 'officer@demo.test', { type: 'RECOMMEND_AWARD', amountPence, rationale: 'Strong' });
  return id;
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
    // Not agreed yet: it says by whom only once accepted.
    expect(printed).not.toContain('Accepted for');
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
    const id = await offeredVictimsService(900_000);
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

  it("draws up a victims' service's grant agreement once signed, with its payments and returns", async () => {
    const id = await offeredVictimsService(800_000);
    await b.ok(id, 'owner', { type: 'ACCEPT_OFFER' });
    const agent = await signedIn(t.baseUrl, provider.email, provider.password);
    const agreementPdf = `/cases/${id}/events/SIGN_AGREEMENT/letter.pdf`;
    // Accepted: the offer letter is kept on the case; the agreement is not drawn up until signed.
    expect(lettersListed((await agent.get(`/cases/${id}`)).text)).toEqual([
      ['Offer of a grant for a victims’ service (PDF)', `/cases/${id}/events/ACCEPT_OFFER/letter.pdf`],
    ]);
    expect((await download(agent, agreementPdf)).status).toBe(404);
    // The officer sets its terms in the form: no letter stands above it.
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', 'demo-commissioning-2026');
    const signing = await officer.get(`/cases/${id}/events/SIGN_AGREEMENT`);
    expect(signing.status).toBe(200);
    expect(signing.text).not.toContain('id="letter"');

    await b.ok(id, 'officer@demo.test', {
      type: 'SIGN_AGREEMENT',
      startsOn: '2027-04-01',
      endsOn: '2028-03-31',
      paymentProfile: 'quarterlyInArrears',
      amountPence: 800_000,
    });
    const page = (await agent.get(`/cases/${id}`)).text;
    expect(lettersListed(page)).toEqual([
      ['Offer of a grant for a victims’ service (PDF)', `/cases/${id}/events/ACCEPT_OFFER/letter.pdf`],
      ['Grant agreement for a victims’ service (PDF)', agreementPdf],
    ]);
    const pdf = await download(agent, agreementPdf);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    const printed = pdfText(pdf.body);
    for (const words of [
      'Grant agreement for a victims’ service',
      'This agreement is between the Police and Crime Commissioner and your organisation. The Commissioner funds the service below',
      'Amount of the grant: £8,000.00',
      'Agreement starts on: 1 April 2027',
      'Agreement ends on: 31 March 2028',
      'How the grant is paid: Quarterly in arrears',
      'Payment (4)',
      'Payment 1, due 1 July 2027: £2,000.00',
      'Payment 4, due 3 April 2028: £2,000.00',
      'Monitoring return (4)',
      'Quarter 1 return, 2027-28, due',
      'You report on the service each quarter with a monitoring return, by the day shown above',
      `Signed for the Police and Crime Commissioner by Olivia Officer on ${dayInWords(londonDate(new Date()))}.`,
    ])
      expect(printed, words).toContain(words);
    // Staff download the same agreement; another organisation cannot.
    expect((await download(officer, agreementPdf)).status).toBe(200);
    const stranger = await providerWithPassword(t, 'Agreement Stranger');
    const other = await signedIn(t.baseUrl, stranger.email, stranger.password);
    expect((await download(other, agreementPdf)).status).toBe(404);
  });

  it('shows a crime and disorder grant’s conditions before the partnership accepts them, then keeps them', async () => {
    const h = cycleHelpers(t);
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      delegationThresholdPence: 5_000_000,
    });
    const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
    const created = await t.http
      .post('/api/cases')
      .set(t.as('officer@demo.test'))
      .send({
        machine: 'crime-disorder-grant',
        organisationId: fenland,
        input: {
          programmeId,
          allocationPence: 2_400_000,
          financialYear: '2027-28',
          purpose: 'Reduce rural theft',
        },
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const s = h.on(id);
    await s('officer@demo.test', { type: 'ALLOCATE' }, 'allocated');
    await s(
      'officer@demo.test',
      {
        type: 'OFFER_CONDITIONS',
        conditions: 'Report theft figures each quarter',
        reasons: 'To see it work',
      },
      'conditionsOffered',
    );
    const csp = await signedIn(t.baseUrl, 'csp@demo.test', 'demo-commissioning-2026');
    const accept = await csp.get(`/cases/${id}/events/ACCEPT_CONDITIONS`);
    expect(accept.status).toBe(200);
    const letter = text(/<section class="app-letter[\s\S]*?<\/section>/.exec(accept.text)?.[0] ?? '');
    expect(letter).toContain('Conditions of a crime and disorder reduction grant');
    expect(letter).toContain('Report theft figures each quarter');
    expect(letter).toContain('£24,000.00');
    expect(letter).toContain('Reduce rural theft');
    expect(letter).toContain('query the conditions instead of accepting them');
    expect(accept.text.indexOf('id="letter"')).toBeLessThan(
      accept.text.search(/Accept the conditions\s*<\/button>/),
    );
    await s('csp@demo.test', { type: 'ACCEPT_CONDITIONS' }, 'live');
    // Kept once accepted, now with the four payments it set up.
    const printed = pdfText((await download(csp, `/cases/${id}/events/ACCEPT_CONDITIONS/letter.pdf`)).body);
    expect(printed).toContain('Conditions of a crime and disorder reduction grant');
    expect(printed).toContain('Report theft figures each quarter');
    expect(printed).toContain('Payment (4)');
    expect(printed).toMatch(/Payment 1, due [^:]+: £6,000\.00/);
    expect(printed).toMatch(
      /Accepted for Fenland Community Safety Partnership by [A-Z][a-z]+ [A-Z][a-z]+ on \d/,
    );
  });
});
