// The pieces of the open data that need no database: the CSV writer (RFC 4180 and formula
// injection), exact pence-to-pounds, recipient identifiers, publication months and the settings.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { csvField, toCsv } from '../../src/domain/csv.ts';
import {
  addMonths,
  monthLabel,
  monthOf,
  publicationMonth,
} from '../../src/domain/open-data/crime-disorder-publication.ts';
import { poundsNumber, poundsText } from '../../src/domain/open-data/pounds.ts';
import { recipientIdentifier } from '../../src/domain/open-data/three-sixty-giving.ts';

describe('the CSV writer', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes, and ends records in CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['plain', 'with, comma'],
          ['say "hi"', 'two\nlines'],
          ['cr\rhere', ''],
        ],
      ),
    ).toBe('a,b\r\nplain,"with, comma"\r\n"say ""hi""","two\nlines"\r\n"cr\rhere",\r\n');
  });

  it('writes numbers as they are and nothing as an empty cell', () => {
    expect(toCsv(['n', 'x', 'y', 'z'], [[10000.01, null, undefined, 12n]])).toBe(
      'n,x,y,z\r\n10000.01,,,12\r\n',
    );
    expect(csvField(-5)).toBe('-5');
  });

  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+44 1234', "'+44 1234"],
    ['-1+2', "'-1+2"],
    ['@cmd', "'@cmd"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['\r=1', `"'\r=1"`],
  ])('neutralises text a spreadsheet would run as a formula: %j', (cell, written) => {
    expect(csvField(cell)).toBe(written);
  });

  it('leaves other text alone, including a formula character later in the text', () => {
    expect(csvField('Total = 5')).toBe('Total = 5');
    expect(csvField("It's fine")).toBe("It's fine");
    expect(csvField('')).toBe('');
  });
});

describe('pence to pounds', () => {
  it.each([
    [1_000_001n, '10000.01', 10000.01],
    [5n, '0.05', 0.05],
    [10n, '0.10', 0.1],
    [0n, '0.00', 0],
    [100n, '1.00', 1],
    [-150n, '-1.50', -1.5],
    [29n, '0.29', 0.29],
    [999_999_999_999_999n, '9999999999999.99', 9999999999999.99],
  ])('%s pence is %s', (pence, text, number) => {
    expect(poundsText(pence)).toBe(text);
    expect(poundsNumber(pence)).toBe(number);
    // JSON writes the same short decimal, never a float artefact.
    expect(JSON.stringify(poundsNumber(pence))).toBe(String(number));
  });

  it('every amount of pence up to £100,000 round-trips through JSON to the same pence', () => {
    for (let pence = 0n; pence <= 10_000_000n; pence += 997n) {
      const json = JSON.stringify(poundsNumber(pence));
      expect(json.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(2);
      const [whole, fraction = ''] = json.split('.');
      expect(BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'))).toBe(pence);
    }
  });

  it('refuses an amount too large to publish exactly as a JSON number', () => {
    expect(() => poundsNumber(10n ** 15n)).toThrow(RangeError);
    expect(poundsText(10n ** 15n)).toBe('10000000000000.00');
  });
});

describe('recipient identifiers', () => {
  const org = (charityNumber: string | null, companyNumber: string | null) => ({
    id: '7d3c7a4e-0000-4000-8000-000000000001',
    name: 'A',
    charityNumber,
    companyNumber,
  });
  it('uses the charity number, then the company number, then one under the prefix', () => {
    expect(recipientIdentifier(org('1190001', '11900010'), 'p')).toBe('GB-CHC-1190001');
    expect(recipientIdentifier(org('SC012345', null), 'p')).toBe('GB-SC-SC012345');
    expect(recipientIdentifier(org(null, 'ni123456'), 'p')).toBe('GB-COH-NI123456');
    expect(recipientIdentifier(org(null, null), 'opcc-x')).toBe(
      '360G-opcc-x-org-7d3c7a4e-0000-4000-8000-000000000001',
    );
    expect(recipientIdentifier(org('  ', null), 'p')).toBe('360G-p-org-7d3c7a4e-0000-4000-8000-000000000001');
  });
});

describe('publication months', () => {
  it.each(['2026-11', '2000-01', '2199-12'])('takes %s', (month) => {
    expect(publicationMonth.safeParse(month).success).toBe(true);
  });

  it.each([
    ['2026-13', 'The month must be from 01 to 12'],
    ['2026-00', 'The month must be from 01 to 12'],
    ['2026-1', 'Enter a month as a year and month, such as 2026-11'],
    ['November', 'Enter a month as a year and month, such as 2026-11'],
    ['2026-11-01', 'Enter a month as a year and month, such as 2026-11'],
    ['1999-12', 'Enter a month between 2000 and 2199'],
    ['2200-01', 'Enter a month between 2000 and 2199'],
  ])('refuses %s: %s', (month, message) => {
    const parsed = publicationMonth.safeParse(month);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([message]);
  });

  it('steps across years, names months, and takes the London month of an instant', () => {
    expect([addMonths('2026-12', 1), addMonths('2026-01', -1), addMonths('2026-11', 14)]).toEqual([
      '2027-01',
      '2025-12',
      '2028-01',
    ]);
    expect(monthLabel('2026-11')).toBe('November 2026');
    // 23:30 UTC on 30 September 2026 is 00:30 on 1 October in London (BST).
    expect(monthOf(new Date('2026-09-30T23:30:00Z'))).toBe('2026-10');
    // 23:30 UTC on 31 October 2026 is still 31 October in London (GMT again).
    expect(monthOf(new Date('2026-10-31T23:30:00Z'))).toBe('2026-10');
  });
});

describe('open data settings', () => {
  it('defaults to the placeholder prefix, a funder id under it, and Cambridgeshire and Peterborough', () => {
    expect(loadConfig({}).openData).toEqual({
      prefix: 'opcc-example',
      funderId: '360G-opcc-example-funder',
      funderName: 'Office of the Police and Crime Commissioner for Cambridgeshire and Peterborough',
      beneficiaryLocation: 'Cambridgeshire and Peterborough',
    });
  });

  it('takes them from the environment, the funder id following the prefix unless given', () => {
    expect(loadConfig({ OPEN_DATA_PREFIX: 'cambspcc' }).openData.funderId).toBe('360G-cambspcc-funder');
    const env = {
      OPEN_DATA_PREFIX: 'cambspcc',
      OPEN_DATA_FUNDER_ID: 'GB-GOR-PC000001',
      OPEN_DATA_FUNDER_NAME: 'The Commissioner',
      OPEN_DATA_BENEFICIARY_LOCATION: 'Peterborough',
    };
    expect(loadConfig(env).openData).toEqual({
      prefix: 'cambspcc',
      funderId: 'GB-GOR-PC000001',
      funderName: 'The Commissioner',
      beneficiaryLocation: 'Peterborough',
    });
  });

  it.each([
    [{ OPEN_DATA_PREFIX: '360G-cambspcc' }, 'OPEN_DATA_PREFIX'],
    [{ OPEN_DATA_PREFIX: 'has space' }, 'OPEN_DATA_PREFIX'],
    [{ OPEN_DATA_FUNDER_ID: 'GB GOR' }, 'OPEN_DATA_FUNDER_ID'],
    [{ OPEN_DATA_FUNDER_NAME: '  ' }, 'OPEN_DATA_FUNDER_NAME'],
  ])('refuses %j, naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});
