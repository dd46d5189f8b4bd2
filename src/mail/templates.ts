import type { MessageData, Template } from './template-kit.ts';
import { youthFundTemplates } from './templates/youth-fund.ts';

// The words of every notification. Bodies carry the case reference, its title and a link — never
// the content of a bid, a report or a reason, which people read on the case page after signing in.

/** Every message any machine sends, by name. A unit test checks each machine's `messages` are here. */
export const templates: Record<string, Template> = {
  ...youthFundTemplates,
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function renderMessage(
  message: string,
  data: MessageData,
): { subject: string; text: string; html: string } {
  const template = Object.hasOwn(templates, message) ? templates[message] : undefined;
  if (!template) throw new Error(`There is no email template called "${message}"`);
  const paragraphs = [`Dear ${data.recipientName},`, ...template.body(data)];
  const text = [
    ...paragraphs,
    `View the case: ${data.caseUrl}`,
    '',
    'Office of the Police and Crime Commissioner',
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif; font-size: 16px; color: #0b0c0c">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(data.caseUrl)}">View case ${escapeHtml(data.reference)}</a></p>`,
    '<p>Office of the Police and Crime Commissioner</p>',
    '</body></html>',
  ].join('\n');
  return { subject: template.subject(data), text, html };
}

export type { MessageData };
