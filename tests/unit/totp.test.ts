// The one-time codes authenticator apps make, checked against RFC 6238's own test values.
import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  codeForStep,
  matchingStep,
  newRecoveryCodes,
  stepAt,
  totpCode,
} from '../../src/domain/totp.ts';

// RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
const RFC_KEY = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('at %i seconds the 8-digit code is %s', (seconds, code) => {
    expect(codeForStep(RFC_KEY, stepAt(new Date(seconds * 1000)), 8)).toBe(code);
  });

  it('makes the 6-digit code apps show, and accepts it a step either side but not two', () => {
    const at = new Date(59_000);
    expect(totpCode(RFC_KEY, at)).toBe('287082');
    const step = stepAt(at);
    expect(matchingStep(RFC_KEY, '287082', at)).toBe(step);
    expect(matchingStep(RFC_KEY, '287 082', new Date(59_000 + 30_000))).toBe(step);
    expect(matchingStep(RFC_KEY, '287082', new Date(59_000 + 60_000))).toBeNull();
    expect(matchingStep(RFC_KEY, '28708', at)).toBeNull();
    expect(matchingStep(RFC_KEY, 'abcdef', at)).toBeNull();
  });

  it('writes keys in base32 and reads them back', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
    expect(() => base32Decode('not base32!')).toThrow();
  });

  it('gives ten different recovery codes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
  });
});
