import type { MachineDefinition } from '../../machines/define.ts';
import type { MessageData, MessageTemplate } from '../../machines/messages.ts';
import { escapeMarkup } from '../markup.ts';
import { rulebookTemplates } from './templates/rulebook.ts';

// Every cycle's messages are its definition's own (`messages`); the rulebook's speak for every cycle.
// Bodies carry the case reference, its title and a link — never the content of a bid, a report or a
// reason, which people read on the case page after signing in.

/** The machine's own words for a message, else the rulebook's, which speaks for every machine. */
export function templateFor(
  definition: Pick<MachineDefinition, 'messages'>,
  message: string,
): MessageTemplate | undefined {
  if (Object.hasOwn(definition.messages, message)) return definition.messages[message];
  return Object.hasOwn(rulebookTemplates, message)
    ? rulebookTemplates[message as keyof typeof rulebookTemplates]
    : undefined;
}

export function renderMessage(
  definition: Pick<MachineDefinition, 'messages' | 'id'>,
  message: string,
  data: MessageData,
): { subject: string; text: string; html: string } {
  const template = templateFor(definition, message);
  if (!template) throw new Error(`There is no email template called "${message}" for ${definition.id}`);
  const link = {
    href: data.caseUrl,
    text: `View case ${data.reference}`,
    textLine: `View the case: ${data.caseUrl}`,
  };
  return { subject: template.subject(data), ...letter(data.recipientName, template.body(data), link) };
}

/**
 * A letter from the Office as text and HTML: "Dear …", the paragraphs, a link where there is one, and
 * the sign-off. Every email the service sends is written by it.
 */
export function letter(
  recipientName: string,
  body: readonly string[],
  link?: { href: string; text: string; textLine: string },
): { text: string; html: string } {
  const paragraphs = [`Dear ${recipientName},`, ...body];
  const text = [
    ...paragraphs,
    ...(link ? [link.textLine, ''] : []),
    'Office of the Police and Crime Commissioner',
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif; font-size: 16px; color: #0b0c0c">',
    ...paragraphs.map((p) => `<p>${escapeMarkup(p)}</p>`),
    ...(link ? [`<p><a href="${escapeMarkup(link.href)}">${escapeMarkup(link.text)}</a></p>`] : []),
    '<p>Office of the Police and Crime Commissioner</p>',
    '</body></html>',
  ].join('\n');
  return { text, html };
}

export type { MessageData };
