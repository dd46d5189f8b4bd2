// Times on pages as GOV.UK writes them, in London: "5pm", "4:21am", "midday", a deadline at
// midnight as the end of the day before.
import { describe, expect, it } from 'vitest';
import { clockText, londonAt, londonInstantText, londonStartText } from '../../src/http/web/views.ts';

describe('times in words', () => {
  it.each([
    ['2026-12-07T17:00:00.000Z', '5pm'],
    ['2026-12-07T04:21:00.000Z', '4:21am'],
    ['2026-12-07T12:00:00.000Z', 'midday'],
    ['2026-12-07T00:00:00.000Z', 'midnight'],
    ['2026-12-07T12:30:00.000Z', '12:30pm'],
    // British Summer Time: 4pm UTC is 5pm in London.
    ['2026-07-01T16:00:00.000Z', '5pm'],
  ])('%s is %s', (iso, words) => {
    expect(clockText(new Date(iso))).toBe(words);
  });

  it('writes the day and the time, and a deadline at midnight as the end of the day before', () => {
    expect(londonAt(new Date('2026-11-22T11:40:00.000Z'))).toBe('22 November 2026 at 11:40am');
    expect(londonInstantText('2027-02-01T00:00:00.000Z')).toBe('the end of 31 January 2027 (midnight)');
    expect(londonInstantText('2027-01-31T17:00:00.000Z')).toBe('31 January 2027 at 5pm');
    expect(londonStartText('2027-05-01T00:00:00.000+01:00')).toBe('1 May 2027');
    expect(londonStartText('2027-05-01T08:00:00.000Z')).toBe('1 May 2027 at 9am');
  });
});
