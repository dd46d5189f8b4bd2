// Every message a machine may send has a template, and templates never leak a case's content.
import { describe, expect, it } from 'vitest';
import { machineDefinitions } from '../../machines/index.ts';
import { renderMessage, templateFor, templates } from '../../src/mail/templates.ts';

const sample = {
  recipientName: 'Priya Provider',
  reference: 'YF-000042',
  title: 'Boxing club',
  caseUrl: 'https://grants.test/cases/abc',
  stateLabel: 'Grant offered',
  context: { reportDueOn: '2027-03-31', summary: 'SECRET SUMMARY', reasons: [{ reason: 'SECRET REASON' }] },
};

describe('email templates', () => {
  const messages = machineDefinitions.flatMap((d) => d.messages.map((m) => [d.id, m] as const));

  it.each(messages)('%s has a template for %s, with reference, link and no case content', (id, message) => {
    expect(templateFor(id, message)).toBeDefined();
    const rendered = renderMessage(id, message, sample);
    expect(rendered.subject).toContain('YF-000042');
    expect(rendered.text).toContain('https://grants.test/cases/abc');
    expect(rendered.html).toContain('href="https://grants.test/cases/abc"');
    for (const part of [rendered.subject, rendered.text, rendered.html]) expect(part).not.toMatch(/SECRET/);
  });

  it('has templates only for registered machines', () => {
    expect(Object.keys(templates).sort()).toEqual(machineDefinitions.map((d) => d.id).sort());
  });

  it('escapes HTML in titles', () => {
    const html = renderMessage('youth-fund', 'bidReceived', { ...sample, title: '<script>x</script>' }).html;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses a message with no template', () => {
    expect(() => renderMessage('youth-fund', 'noSuchMessage', sample)).toThrow(
      'no email template called "noSuchMessage"',
    );
    expect(() => renderMessage('youth-fund', 'toString', sample)).toThrow('no email template');
    expect(() => renderMessage('toString', 'bidReceived', sample)).toThrow('no email template');
  });

  it('lets two machines say the same thing in their own words', () => {
    const youth = renderMessage('youth-fund', 'bidReceived', sample).text;
    const victims = renderMessage('victims-services', 'bidReceived', sample).text;
    expect(youth).not.toEqual(victims);
  });
});
