// Nunjucks on GOV.UK Frontend: our templates in src/views, the design system's macros from the package.
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { dayInWords, isIsoDate, londonDate } from '../../../machines/calendar.ts';
import { formatPounds } from '../../../machines/define.ts';
import { poundsText } from '../../domain/reports/figures.ts';
import { govukDir, viewsDir } from '../../paths.ts';

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
});
export const londonDay = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** A London time as GOV.UK writes it: "5pm", "4:21am", "midday"; midnight is "midnight". */
export function clockText(at: Date): string {
  const parts = londonClock.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const [hour, minute] = [Number(part('hour')), part('minute')];
  const period = part('dayPeriod')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  if (hour === 12 && minute === '00') return period === 'pm' ? 'midday' : 'midnight';
  return `${hour}${minute === '00' ? '' : `:${minute}`}${period}`;
}

/** An instant in London words: "22 November 2026 at 11:40am". */
export function londonAt(at: Date): string {
  return `${londonDay.format(at)} at ${clockText(at)}`;
}

/** An instant in London words; midnight is the end of the day before, as deadlines are read. */
export function londonInstantText(text: string): string {
  const at = new Date(text);
  return clockText(at) === 'midnight'
    ? `the end of ${londonDay.format(new Date(at.getTime() - 1))} (midnight)`
    : londonAt(at);
}

const wholeNumber = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
/** A whole number as pages write it: 1,234. */
export const wholeNumberText = (n: number) => wholeNumber.format(n);
const aNumber = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** An instant a period starts at: the day alone when it is the start of a London day. */
export function londonStartText(text: string): string {
  const at = new Date(text);
  return clockText(at) === 'midnight' ? londonDay.format(at) : londonAt(at);
}

export function configureViews(app: Express): nunjucks.Environment {
  const env = nunjucks.configure([viewsDir, govukDir], { autoescape: true, express: app, noCache: false });
  app.set('view engine', 'njk');
  // Nunjucks's own trim is replace(/^\s*|\s*$/g, ''), which takes time growing with the square of
  // a long text's length; GOV.UK Frontend's macros trim whole blocks of HTML with it, and on a long
  // form it took most of the page's time. The same result, in one pass (a safe text stays safe).
  env.addFilter('trim', (text: unknown) => {
    const trimmed = String(text ?? '').trim();
    return text instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  env.addFilter('pounds', (pence: unknown) =>
    typeof pence === 'bigint' ? poundsText(pence) : typeof pence === 'number' ? formatPounds(pence) : '',
  );
  /** An instant as people in England read it: "22 November 2026 at 11:40am". */
  env.addFilter('londonTime', (iso: unknown) =>
    typeof iso === 'string' || iso instanceof Date ? londonAt(new Date(iso)) : '',
  );
  /** A deadline: midnight reads as the end of the day before, "the end of 31 January 2027 (midnight)". */
  env.addFilter('deadline', (iso: unknown) =>
    typeof iso === 'string' || iso instanceof Date ? londonInstantText(new Date(iso).toISOString()) : '',
  );
  /** A calendar date: "31 March 2027". */
  env.addFilter('longDate', (value: unknown) => (isIsoDate(value) ? dayInWords(value) : ''));
  /** A figure with thousands separated and at most two decimals: "1,200", "82.5". */
  env.addFilter('figure', (n: unknown) => (typeof n === 'number' ? aNumber.format(n) : ''));
  /** When something opens: "1 May 2027" at the start of a day, else the day and time. */
  env.addFilter('startsAt', (iso: unknown) =>
    typeof iso === 'string' || iso instanceof Date ? londonStartText(new Date(iso).toISOString()) : '',
  );
  /** A whole number with thousands separated: "1,000". */
  env.addFilter('wholeNumber', (n: unknown) => (typeof n === 'number' ? wholeNumber.format(n) : ''));
  env.addGlobal('londonToday', () => londonDate(new Date()));
  return env;
}
