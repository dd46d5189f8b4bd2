// Every message a machine may send has a template, and templates never leak a case's content.
import { describe, expect, it } from 'vitest';
import { crimeDisorderGrant } from '../../machines/crime-disorder-grant.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { victimsServices } from '../../machines/victims-services.ts';
import { youthFund } from '../../machines/youth-fund.ts';
import { renderMessage, templateFor } from '../../src/mail/templates.ts';

const sample = {
  recipientName: 'Priya Provider',
  reference: 'YF-000042',
  title: 'Boxing club',
  caseUrl: 'https://grants.test/cases/abc',
  stateLabel: 'Grant offered',
  context: { reportDueOn: '2027-03-31', summary: 'SECRET SUMMARY', reasons: [{ reason: 'SECRET REASON' }] },
};

describe('email templates', () => {
  const messages = machineDefinitions.flatMap((d) =>
    Object.keys(d.messages).map((m) => [d.id, m, d] as const),
  );

  it.each(messages)(
    '%s has a template for %s, with reference, link and no case content',
    (_id, message, d) => {
      expect(templateFor(d, message)).toBeDefined();
      const rendered = renderMessage(d, message, sample);
      expect(rendered.subject).toContain('YF-000042');
      expect(rendered.text).toContain('https://grants.test/cases/abc');
      expect(rendered.html).toContain('href="https://grants.test/cases/abc"');
      for (const part of [rendered.subject, rendered.text, rendered.html]) expect(part).not.toMatch(/SECRET/);
    },
  );

  it("speaks the rulebook's messages for a cycle that has no words of its own", () => {
    const rendered = renderMessage(crimeDisorderGrant, 'decisionSentBack', sample);
    expect(rendered.subject).toBe('YF-000042: the approver sent a decision back');
  });

  it('escapes HTML in titles', () => {
    const html = renderMessage(youthFund, 'bidReceived', { ...sample, title: '<script>x</script>' }).html;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses a message with no template', () => {
    expect(() => renderMessage(youthFund, 'noSuchMessage', sample)).toThrow(
      'no email template called "noSuchMessage"',
    );
    expect(() => renderMessage(youthFund, 'toString', sample)).toThrow('no email template');
  });

  it('lets two machines say the same thing in their own words', () => {
    const youth = renderMessage(youthFund, 'bidReceived', sample).text;
    const victims = renderMessage(victimsServices, 'bidReceived', sample).text;
    expect(youth).not.toEqual(victims);
  });
});
