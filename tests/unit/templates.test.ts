// Every message a machine may send has a template, and templates never leak a case's content.
import { describe, expect, it } from 'vitest';
import { machineDefinitions } from '../../machines/index.ts';
import { renderMessage, templates } from '../../src/mail/templates.ts';

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

  it.each(messages)('%s has a template for %s, with reference, link and no case content', (_id, message) => {
    expect(Object.hasOwn(templates, message)).toBe(true);
    const rendered = renderMessage(message, sample);
    expect(rendered.subject).toContain('YF-000042');
    expect(rendered.text).toContain('https://grants.test/cases/abc');
    expect(rendered.html).toContain('href="https://grants.test/cases/abc"');
    for (const part of [rendered.subject, rendered.text, rendered.html]) expect(part).not.toMatch(/SECRET/);
  });

  it('escapes HTML in titles', () => {
    const html = renderMessage('bidReceived', { ...sample, title: '<script>x</script>' }).html;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses a message with no template', () => {
    expect(() => renderMessage('noSuchMessage', sample)).toThrow('no email template called "noSuchMessage"');
    expect(() => renderMessage('toString', sample)).toThrow('no email template');
  });
});
