// Forms built from event schemas, and urlencoded bodies read back into payloads.
import express from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isoDate, positivePence, reason, shortText, victimsMeasures } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { monitoringReturn } from '../../machines/monitoring-return.ts';
import { victimsServices } from '../../machines/victims-services.ts';
import { youthFund } from '../../machines/youth-fund.ts';
import { actionForms, actionLink } from '../../src/http/web/case-forms.ts';
import { machineDiagram } from '../../src/http/web/diagram.ts';
import { compactRows, formToPayload, POUNDS_ERROR, parsePounds } from '../../src/http/web/form-answers.ts';
import { fieldSpecs } from '../../src/http/web/form-fields.ts';
import { buildForm } from '../../src/http/web/forms.ts';
import { configureViews } from '../../src/http/web/views.ts';

const money = z.strictObject({ amountPence: positivePence });
const pounds = (text: string) => formToPayload(money, { amountPence: text });

describe('pounds to pence', () => {
  it.each([
    ['4500.00', 450_000],
    ['4,500.00', 450_000],
    ['£4500', 450_000],
    ['£ 4,500.10', 450_010],
    ['4500.5', 450_050],
    ['4500.1', 450_010],
    ['0.01', 1],
    ['.5', 50],
    ['  12 ', 1_200],
    ['1,234,567.89', 123_456_789],
    // Floats would get these wrong: 4500.10 * 100 and 0.29 * 100 are not whole numbers.
    ['4500.10', 450_010],
    ['0.29', 29],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('%s is %i pence', (text, pence) => {
    expect(pounds(text)).toEqual({ payload: { amountPence: pence }, errors: [] });
  });

  it.each(['12.345', 'abc', '-5', '4500.', '£', '.', '1e3', '4.5.6', '£4500.0.0', '90071992547409.92'])(
    '%s is refused',
    (text) => {
      expect(pounds(text)).toEqual({
        payload: {},
        errors: [{ field: 'amountPence', message: POUNDS_ERROR }],
      });
      expect(parsePounds(text)).toBeUndefined();
    },
  );

  it('refuses a blank required amount and leaves out a blank optional one', () => {
    expect(pounds('').errors).toEqual([{ field: 'amountPence', message: POUNDS_ERROR }]);
    const optional = z.strictObject({ amountPence: positivePence.optional() });
    expect(formToPayload(optional, { amountPence: ' ' })).toEqual({ payload: {}, errors: [] });
  });
});

describe('dates', () => {
  // Labels come from each field's title, never from its name.
  const schema = z.strictObject({
    paidOn: isoDate.meta({ title: 'Paid on' }),
    endsOn: isoDate.optional().meta({ title: 'Ends on' }),
  });
  const date = (day: string, month: string, year: string, extra: Record<string, string> = {}) =>
    formToPayload(schema, { 'paidOn-day': day, 'paidOn-month': month, 'paidOn-year': year, ...extra });

  it('joins day, month and year as YYYY-MM-DD', () => {
    expect(date('1', '4', '2027')).toEqual({ payload: { paidOn: '2027-04-01' }, errors: [] });
    expect(date(' 29 ', '02', '2028').payload).toEqual({ paidOn: '2028-02-29' });
  });

  it('names the first part that is missing or wrong', () => {
    expect(date('', '4', '2027').errors).toEqual([
      { field: 'paidOn', message: 'Paid on must include a day' },
    ]);
    expect(date('1', '', '').errors[0]!.message).toBe('Paid on must include a month');
    expect(date('1', '4', '').errors[0]!.message).toBe('Paid on must include a year');
    expect(date('32', '4', '2027').errors[0]!.message).toBe('Paid on: enter a real day');
    expect(date('1', '13', '2027').errors[0]!.message).toBe('Paid on: enter a real month');
    expect(date('x', 'y', '2027').errors[0]!.message).toBe('Paid on: enter a real day');
    expect(date('1', '4', '27').errors[0]!.message).toBe('Paid on: the year must have 4 numbers');
    expect(date('31', '4', '2027').errors[0]!.message).toBe('Paid on must be a real date');
    expect(date('29', '2', '2027').errors[0]!.message).toBe('Paid on must be a real date');
  });

  it('asks for a required date left blank, and leaves out a blank optional one', () => {
    expect(date('', '', '')).toEqual({
      payload: {},
      errors: [{ field: 'paidOn', message: 'Enter a date' }],
    });
    expect(
      date('1', '4', '2027', { 'endsOn-day': '', 'endsOn-month': '', 'endsOn-year': '' }).payload,
    ).toEqual({
      paidOn: '2027-04-01',
    });
    expect(
      date('1', '4', '2027', { 'endsOn-day': '2', 'endsOn-month': '', 'endsOn-year': '' }).errors,
    ).toEqual([{ field: 'endsOn', message: 'Ends on must include a month' }]);
  });
});

describe('other fields', () => {
  it('reads yes and no as booleans', () => {
    const schema = z.strictObject({ agreed: z.boolean(), later: z.boolean().optional() });
    expect(formToPayload(schema, { agreed: 'yes', later: 'no' }).payload).toEqual({
      agreed: true,
      later: false,
    });
    expect(formToPayload(schema, { agreed: 'maybe' }).errors).toEqual([
      { field: 'agreed', message: 'Select yes or no' },
    ]);
    expect(formToPayload(schema, {}).errors).toEqual([{ field: 'agreed', message: 'Select yes or no' }]);
  });

  it('takes an enum value only from its options', () => {
    const schema = victimsServices.events.ANNUAL_REVIEW!.payload;
    expect(formToPayload(schema, { decision: 'amend', notes: 'Fine' }).payload).toEqual({
      decision: 'amend',
      notes: 'Fine',
    });
    expect(formToPayload(schema, { decision: 'toString', notes: 'x' }).errors).toEqual([
      { field: 'decision', message: 'Select an option' },
    ]);
    expect(formToPayload(schema, { notes: 'x' }).errors).toEqual([
      { field: 'decision', message: 'Select an option' },
    ]);
  });

  it('leaves out empty optional fields and sends required blank text for the machine to refuse', () => {
    // A variation's changes are optional: left empty, they are left out (and the form's own fields too).
    const variation = victimsServices.events.REQUEST_VARIATION!.payload;
    expect(
      formToPayload(variation, { outcomes: '', reason: 'More families', _csrf: 'x', version: '3' }),
    ).toEqual({ payload: { reason: 'More families' }, errors: [] });
    // A withdrawal's reasons are required: sent blank, for the machine to refuse in its own words.
    const withdraw = youthFund.events.WITHDRAW!.payload;
    const blank = formToPayload(withdraw, { reason: '', _csrf: 'x', version: '3' });
    expect(blank).toEqual({ payload: { reason: '' }, errors: [] });
    expect(withdraw.safeParse(blank.payload).error?.issues.map((i) => i.message)).toEqual([
      'Enter why you are withdrawing the bid',
    ]);
    expect(formToPayload(withdraw, { reason: 'Changed plans' }).payload).toEqual({ reason: 'Changed plans' });
    const submit = youthFund.events.SUBMIT!.payload;
    const { payload, errors } = formToPayload(submit, {
      title: ' ',
      summary: 'S',
      amountRequestedPence: '10',
    });
    expect(errors).toEqual([]);
    expect(payload).toEqual({ title: '', summary: 'S', amountRequestedPence: 1_000 });
    expect(submit.safeParse(payload).success).toBe(false);
  });

  it('reads numbers, checks, per-criterion scores and JSON', () => {
    const agreement = victimsServices.events.SIGN_AGREEMENT!.payload;
    expect(formToPayload(agreement, { instalments: '4' }).payload.instalments).toBe(4);
    expect(formToPayload(agreement, { instalments: '4.5' }).errors).toContainEqual({
      field: 'instalments',
      message: 'Enter a whole number',
    });
    const diligence = victimsServices.events.PASS_DUE_DILIGENCE!.payload;
    expect(formToPayload(diligence, { checks: ['insurance', 'accounts'] }).payload).toEqual({
      checks: { safeguardingPolicy: false, insurance: true, accounts: true, governance: false },
    });
    expect(formToPayload(diligence, { checks: 'governance' }).payload.checks).toMatchObject({
      governance: true,
    });
    const moderate = victimsServices.events.MODERATE!.payload;
    expect(
      formToPayload(moderate, { 'scores.need': '4', 'scores.value': '', rationale: 'R' }).payload,
    ).toEqual({
      scores: { need: 4 },
      rationale: 'R',
    });
    expect(formToPayload(moderate, { 'scores.need': 'four', rationale: 'R' }).errors).toEqual([
      { field: 'scores.need', message: 'Enter a whole number' },
    ]);
    expect(formToPayload(moderate, { scores: '{"need": 3}', rationale: 'R' }).payload.scores).toEqual({
      need: 3,
    });
    expect(formToPayload(moderate, { scores: '{oops', rationale: 'R' }).errors).toEqual([
      { field: 'scores', message: 'Enter valid JSON' },
    ]);
  });
});

describe('building forms', () => {
  it('chooses a GOV.UK component for each kind of field', () => {
    const kinds = (schema: z.ZodObject) => fieldSpecs(schema).map((f) => [f.name, f.kind, f.optional]);
    expect(kinds(victimsServices.events.SUBMIT!.payload)).toEqual([
      ['title', 'text', false],
      ['summary', 'textarea', false],
      ['amountRequestedPence', 'money', false],
      ['startsOn', 'date', false],
      ['endsOn', 'date', false],
      ['service', 'enum', false],
    ]);
    expect(kinds(victimsServices.events.PASS_DUE_DILIGENCE!.payload)).toEqual([['checks', 'checks', false]]);
    expect(kinds(z.strictObject({ list: z.array(z.string()), reason: reason.optional() }))).toEqual([
      ['list', 'json', false],
      ['reason', 'textarea', true],
    ]);
  });

  it('shows pounds with a £ prefix and hint, marks optional fields, and keeps typed values and errors', () => {
    const schema = z.strictObject({
      title: shortText(200, 'a title').meta({ title: 'Title' }),
      amountPence: positivePence.meta({ title: 'Amount' }),
      paidOn: isoDate.optional().meta({ title: 'Paid on' }),
    });
    const { fields, errorList } = buildForm(schema, {
      values: { title: 'Mine', amountPence: '12.345', 'paidOn-day': '3' },
      errors: [
        { field: 'amountPence', message: POUNDS_ERROR },
        { field: 'paidOn', message: 'Paid on must include a month' },
      ],
    });
    const [title, amount, paidOn] = fields;
    expect(title!.params).toMatchObject({ id: 'title', value: 'Mine', label: { text: 'Title' } });
    expect(amount!.params).toMatchObject({
      value: '12.345',
      prefix: { text: '£' },
      hint: { text: 'in pounds, for example 4500.00' },
      errorMessage: { text: POUNDS_ERROR },
      label: { text: 'Amount' },
    });
    expect(paidOn!.macro).toBe('date');
    expect(paidOn!.params.fieldset.legend.text).toBe('Paid on (optional)');
    expect(paidOn!.params.items[0].value).toBe('3');
    expect(errorList).toEqual([
      { text: POUNDS_ERROR, href: '#amountPence' },
      { text: 'Paid on must include a month', href: '#paidOn-day' },
    ]);
  });

  it('gives one score input per criterion when the case has criteria, else a JSON textarea', () => {
    const moderate = victimsServices.events.MODERATE!.payload;
    const criteria = [
      { id: 'need', label: 'Evidence of need', weight: 60 },
      { id: 'value', label: 'Value for money', weight: 40 },
    ];
    const withCriteria = buildForm(moderate, {
      criteria,
      errors: [{ field: 'scores.value', message: 'Give a score for Value for money' }],
    });
    expect(withCriteria.fields.map((f) => f.name)).toEqual(['scores.need', 'scores.value', 'rationale']);
    expect(withCriteria.errorList).toEqual([
      { text: 'Give a score for Value for money', href: '#scores-value' },
    ]);
    const without = buildForm(moderate, {});
    expect(without.fields[0]!.params.label.text).toBe('Moderated scores (as JSON)');
  });

  it('links nested check errors to their checkbox', () => {
    const { fields, errorList } = buildForm(victimsServices.events.PASS_DUE_DILIGENCE!.payload, {
      values: { checks: ['insurance'] },
      errors: [{ field: 'checks.accounts', message: 'Every check must pass' }],
    });
    expect(fields[0]!.params.items.map((i: { checked: boolean }) => i.checked)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    // The summary names the question the error is about.
    expect(errorList).toEqual([
      { text: expect.stringMatching(/^.+: every check must pass$/), href: '#checks-accounts' },
    ]);
  });
});

describe('the case page template, for every machine', () => {
  const env = configureViews(express());
  const criteria = [{ id: 'need', label: 'Evidence of need', weight: 100 }];
  it.each(machineDefinitions.map((d) => [d.id, d] as const))(
    '%s: every form and stage renders',
    (_id, definition) => {
      for (const state of Object.keys(definition.states)) {
        // Every event as if this person could send it now: the most forms a page could ever hold.
        const nextEvents = Object.entries(definition.events).map(([type, spec]) => ({
          type,
          label: spec.label,
        }));
        const view = {
          id: '00000000-0000-0000-0000-000000000001',
          reference: `${definition.referencePrefix}-000001`,
          title: 'A <b>bold</b> title',
          amountPence: 1234,
          machine: definition.id,
          machineVersion: definition.version,
          state,
          stateLabel: definition.states[state]!.label,
          version: 3,
          organisationId: '00000000-0000-0000-0000-000000000002',
          programmeId: null,
          officerId: null,
          createdAt: '2026-11-22T11:40:00.000Z',
          updatedAt: '2026-11-22T11:40:00.000Z',
          context: {
            title: 'A <b>bold</b> title',
            criteria,
            amountPence: 1234,
            endsOn: '2027-03-31',
            list: [1, 2],
          },
          nextEvents,
          forColleagues: [],
          notYet: [],
          decision: null,
        };
        const { forms, errors } = actionForms(definition, view);
        expect(errors).toEqual([]);
        const offered = forms.map((f) => ({ ...f, sendsToApprover: false }));
        const decision = {
          heading: 'Decision awaiting a signature',
          rows: [{ key: 'Amount', value: '£1.00' }],
        };
        const html = env.render('case.njk', {
          title: view.reference,
          caseTitle: 'A <b>bold</b> title',
          kase: view,
          cycleTitle: definition.title,
          organisationName: 'Org',
          details: [],
          actions: offered.map(actionLink(view, new Map())),
          errors,
          diagram: machineDiagram(definition, state),
          timeline: [],
          csrfToken: 'token',
          decision,
          upcoming: [{ what: 'Tender deadline passed', at: '2026-11-22T11:40:00.000Z' }],
        });
        expect(html).toContain('A &lt;b&gt;bold&lt;/b&gt; title');
        expect(html).not.toContain('undefined');
        expect(html).toMatch(/<g aria-current="step">/);
        // The case page offers each action as a link to its own page, and asks nothing itself.
        for (const { type } of nextEvents) expect(html).toContain(`href="/cases/${view.id}/events/${type}"`);
        expect(html).not.toContain(`<form method="post" action="/cases/${view.id}/events/`);
        const uniqueIds = (page: string) => {
          // Ids are unique on the page, and every label points at an input that exists.
          const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
          expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
          for (const [, target] of page.matchAll(/<label[^>]*for="([^"]+)"/g)) expect(ids).toContain(target);
        };
        uniqueIds(html);
        // Each action's page: its one form beside the page's own sections (the held decision).
        for (const form of offered) {
          const page = env.render('case-action.njk', {
            title: form.label,
            kase: view,
            caseTitle: 'A <b>bold</b> title',
            organisationName: 'Org',
            details: [],
            decision,
            form,
            errors,
            csrfToken: 'token',
          });
          expect(page).not.toContain('undefined');
          expect(page).toContain(`action="/cases/${view.id}/events/${form.type}"`);
          uniqueIds(page);
        }
      }
    },
  );
});

describe("figures for a case's own measures", () => {
  const submit = monitoringReturn.events.SUBMIT_RETURN.payload;
  const names = (fields: { name: string }[]) => fields.map((f) => f.name);

  it("asks one number per measure and per part of a count, in the case's words, under a heading; none without measures", () => {
    const { fields } = buildForm(submit, { measures: victimsMeasures });
    expect(fields.map((f) => [f.name, f.macro])).toEqual([
      ['performance', 'textarea'],
      ['measures', 'heading'],
      ['measures.victimsSupported', 'fieldset'],
      ['measures.copeAndRecover', 'input'],
      ['spendPence', 'input'],
      ['underspendPence', 'input'],
      ['narrative', 'textarea'],
      ['spendAboveAward', 'textarea'],
    ]);
    const byName = new Map(fields.map((f) => [f.name, f.params]));
    expect(byName.get('measures')).toEqual({
      text: 'Outcomes in the period',
      hint: "A figure for each of the programme's measures, in this period.",
    });
    // A count broken down is a group: its total, then each part, the legend naming the measure.
    const group = byName.get('measures.victimsSupported')!;
    expect(group.legend.text).toBe('Victims supported');
    expect(
      group.fields.map((f: { params: { name: string; label: { text: string } } }) => [
        f.params.name,
        f.params.label.text,
      ]),
    ).toEqual([
      ['measures.victimsSupported', 'In total'],
      ['measures.victimsSupported.Domestic abuse', 'Domestic abuse'],
      ['measures.victimsSupported.Sexual violence', 'Sexual violence'],
      ['measures.victimsSupported.Other crime', 'Other crime'],
    ]);
    expect(group.fields[0].params).toMatchObject({
      hint: { text: 'Enter a whole number, 0 or more. Its parts below add up to it.' },
      inputmode: 'numeric',
    });
    expect(byName.get('measures.copeAndRecover')).toMatchObject({
      label: { text: 'Victims who say they are better able to cope and recover' },
      suffix: { text: '%' },
      hint: { text: expect.stringContaining("The programme's target is 80%") },
    });
    expect(names(buildForm(submit, {}).fields).some((n) => n.startsWith('measures'))).toBe(false);
  });

  it('reads the figures back, numbers written as people write them, and leaves out a measure left empty', () => {
    const body = {
      performance: 'Fine',
      spendPence: '10',
      'measures.victimsSupported': '1,200',
      'measures.victimsSupported.Domestic abuse': '1,000',
      'measures.victimsSupported.Other crime': '200',
      'measures.copeAndRecover': '82.5%',
      'measures.peopleReached': '',
    };
    expect(formToPayload(submit, body)).toEqual({
      payload: {
        performance: 'Fine',
        spendPence: 1000,
        measures: {
          victimsSupported: { value: 1200, breakdown: { 'Domestic abuse': 1000, 'Other crime': 200 } },
          copeAndRecover: { value: 82.5 },
        },
      },
      errors: [],
    });
    expect(formToPayload(submit, { ...body, 'measures.copeAndRecover': 'lots' }).errors).toEqual([
      { field: 'measures.copeAndRecover', message: 'Enter a number' },
    ]);
    expect(formToPayload(submit, { ...body, 'measures.victimsSupported.Other crime': 'x' }).errors).toEqual([
      { field: 'measures.victimsSupported.Other crime', message: 'Enter a whole number' },
    ]);
  });

  it("puts each of the machine's problems on its own input: a measure's on its total, a part's on that part", () => {
    const sum = 'Victims supported: the parts add up to 9, but the total is 10';
    const { fields, errorList } = buildForm(submit, {
      measures: victimsMeasures,
      values: { 'measures.victimsSupported': '10', 'measures.copeAndRecover': 'lots' },
      errors: [
        { field: 'measures.victimsSupported', message: sum },
        { field: 'measures.victimsSupported.Other crime', message: 'Enter a whole number' },
        { field: 'measures.copeAndRecover', message: 'Enter a number' },
      ],
    });
    const group = fields.find((f) => f.name === 'measures.victimsSupported')!.params.fields as {
      params: Record<string, any>;
    }[];
    const [total, domestic, , other] = group.map((f) => f.params);
    expect(total).toMatchObject({ value: '10', errorMessage: { text: sum } });
    expect(domestic!.errorMessage).toBeUndefined();
    // A part's error names its measure and the part, once.
    expect(other!.errorMessage.text).toBe('Victims supported, Other crime: enter a whole number');
    expect(errorList).toEqual([
      { text: sum, href: '#measures-victimsSupported' },
      {
        text: 'Victims supported, Other crime: enter a whole number',
        href: '#measures-victimsSupported-Other-crime',
      },
      {
        text: 'Victims who say they are better able to cope and recover: enter a number',
        href: '#measures-copeAndRecover',
      },
    ]);
  });
});

describe('choices, rows, a day’s start, defaults and hidden fields', () => {
  const schema = z.strictObject({
    id: z.string().optional().meta({ title: 'Id', widget: 'hidden' }),
    fund: z.string().meta({ title: 'Fund', widget: 'choice' }),
    outcomes: z.array(z.string()).meta({ title: 'Outcomes', widget: 'choice' }),
    every: z
      .number()
      .int()
      .default(3)
      .meta({ title: 'Returns', widget: 'choice', options: { 3: 'Every quarter', 12: 'Once a year' } }),
    opens: z.string().datetime({ offset: true }).optional().meta({ title: 'Opens', widget: 'startOfDay' }),
    rows: z
      .array(
        z.strictObject({
          label: z.string().meta({ title: 'Label' }),
          weight: z.number().int().meta({ title: 'Weight' }),
        }),
      )
      .default([])
      .meta({ title: 'Criteria', itemTitle: 'Criterion' }),
  });

  it('asks each as its component, never the hidden field, and a row more when asked', () => {
    const { fields } = buildForm(schema, {
      values: { 'rows.0.label': 'Need', 'rows.0.weight': '60' },
      choices: {
        fund: [{ value: 'f1', text: 'Youth Fund 2026-27' }],
        outcomes: [{ value: 'O1', text: 'Safer' }],
      },
      addRow: 'rows',
    });
    expect(fields.map((f) => [f.name, f.macro])).toEqual([
      ['fund', 'radios'],
      ['outcomes', 'checkboxes'],
      ['every', 'radios'],
      ['opens', 'date'],
      ['rows', 'heading'],
      ['rows.0', 'fieldset'],
      ['rows.1', 'fieldset'],
      ['rows.add', 'addRow'],
    ]);
    // A field with a default is not "(optional)", and offers no "None".
    const every = fields.find((f) => f.name === 'every')!;
    expect(every.params.fieldset.legend.text).toBe('Returns');
    expect(every.params.items.map((i: { text: string }) => i.text)).toEqual(['Every quarter', 'Once a year']);
    expect(fields.find((f) => f.name === 'rows.0')!.params.legend.text).toBe('Criterion 1');
  });

  it('reads them back: blank rows dropped, numbers as numbers, a day as the start of it in London', () => {
    const body = compactRows(schema, {
      fund: 'f1',
      outcomes: ['O1', 'O2'],
      every: '12',
      'opens-day': '1',
      'opens-month': '7',
      'opens-year': '2027',
      'rows.0.label': '',
      'rows.0.weight': '',
      'rows.1.label': 'Need',
      'rows.1.weight': 'x',
    });
    expect(body['rows.0.label']).toBe('Need');
    const { payload, errors } = formToPayload(schema, body);
    expect(payload).toEqual({
      fund: 'f1',
      outcomes: ['O1', 'O2'],
      every: 12,
      opens: '2027-06-30T23:00:00.000Z',
      rows: [{ label: 'Need' }],
    });
    expect(errors).toEqual([{ field: 'rows.0.weight', message: 'Enter a whole number' }]);
    // Nothing typed: the default stands, and no rows.
    expect(formToPayload(schema, { fund: 'f1' }).payload).toEqual({ fund: 'f1', outcomes: [] });
  });
});

describe('a field with a default', () => {
  const schema = z.strictObject({
    qualityWeight: z
      .number()
      .int()
      .min(50)
      .max(90)
      .default(70)
      .meta({ title: 'Weight given to quality (%)' }),
    title: shortText(200, 'a title').default('SARC').meta({ title: 'Title' }),
    amountPence: positivePence.default(100).meta({ title: 'Amount' }),
  });

  it('shows the default it takes in a new form (typed fields only), and what was typed once sent', () => {
    const value = (built: ReturnType<typeof buildForm>, name: string) =>
      built.fields.find((f) => f.name === name)?.params.value;
    const fresh = buildForm(schema);
    expect([value(fresh, 'qualityWeight'), value(fresh, 'title'), value(fresh, 'amountPence')]).toEqual([
      '70',
      'SARC',
      '',
    ]);
    const typed = buildForm(schema, { values: { qualityWeight: '60', title: '', amountPence: '' } });
    expect([value(typed, 'qualityWeight'), value(typed, 'title')]).toEqual(['60', '']);
  });
});

describe('an optional question needed in some cases', () => {
  it('says when it is needed instead of "(optional)"', () => {
    const schema = z.strictObject({
      agrees: z.boolean().meta({ title: 'Does the partner agree?' }),
      note: shortText(2000, "the partner's reasons")
        .optional()
        .meta({ title: "The partner's reasons", neededWhen: 'they do not agree' }),
      other: shortText(20, 'anything else').optional().meta({ title: 'Anything else' }),
    });
    const labels = buildForm(schema).fields.map(
      (f) => f.params.label?.text ?? f.params.fieldset?.legend?.text,
    );
    expect(labels).toEqual([
      'Does the partner agree?',
      "The partner's reasons (if they do not agree)",
      'Anything else (optional)',
    ]);
  });
});

describe('the trim filter GOV.UK Frontend leans on', () => {
  const env = configureViews(express());

  it('trims as nunjucks does, and keeps safe HTML safe and other text escaped', () => {
    expect(env.renderString('[{{ "  \\n a  b \\t " | trim }}]', {})).toBe('[a  b]');
    expect(env.renderString('{{ html | safe | trim }}', { html: '  <b>bold</b>\n ' })).toBe('<b>bold</b>');
    expect(env.renderString('{{ text | trim }}', { text: '  <b>bold</b> ' })).toBe('&lt;b&gt;bold&lt;/b&gt;');
    expect(env.renderString('[{{ nothing | trim }}]', {})).toBe('[]');
  });

  it('trims a long block of HTML with much white space inside it whole', () => {
    const block = `  ${'<option value="x">x</option>\n        '.repeat(5000)}<p>end</p>   `;
    const out = env.renderString('{{ html | safe | trim }}', { html: block });
    expect(out.startsWith('<option')).toBe(true);
    expect(out.endsWith('<p>end</p>')).toBe(true);
  });
});
