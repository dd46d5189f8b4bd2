import type { MessageData, Template } from './template-kit.ts';
import { commissioningRoundTemplates } from './templates/commissioning-round.ts';
import { crimeDisorderGrantTemplates } from './templates/crime-disorder-grant.ts';
import { monitoringReturnTemplates } from './templates/monitoring-return.ts';
import { paymentTemplates } from './templates/payment.ts';
import { rulebookTemplates } from './templates/rulebook.ts';
import { sarcRecommissioningTemplates } from './templates/sarc-recommissioning.ts';
import { victimsServicesTemplates } from './templates/victims-services.ts';
import { youthFundTemplates } from './templates/youth-fund.ts';

// The words of every notification. Bodies carry the case reference, its title and a link — never
// the content of a bid, a report or a reason, which people read on the case page after signing in.

/**
 * Every machine's messages, by machine id then message name: two machines may both say `offerMade`
 * in their own words. A unit test checks each machine's `messages` are here.
 */
export const templates: Record<string, Record<string, Template>> = {
  'commissioning-round': commissioningRoundTemplates,
  'youth-fund': youthFundTemplates,
  'victims-services': victimsServicesTemplates,
  'sarc-recommissioning': sarcRecommissioningTemplates,
  'crime-disorder-grant': crimeDisorderGrantTemplates,
  'monitoring-return': monitoringReturnTemplates,
  payment: paymentTemplates,
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The machine's own words for a message, else the rulebook's, which speaks for every machine. */
export function templateFor(machineId: string, message: string): Template | undefined {
  const own = Object.hasOwn(templates, machineId) ? templates[machineId] : undefined;
  if (own && Object.hasOwn(own, message)) return own[message];
  return Object.hasOwn(rulebookTemplates, message)
    ? rulebookTemplates[message as keyof typeof rulebookTemplates]
    : undefined;
}

export function renderMessage(
  machineId: string,
  message: string,
  data: MessageData,
): { subject: string; text: string; html: string } {
  const template = templateFor(machineId, message);
  if (!template) throw new Error(`There is no email template called "${message}" for ${machineId}`);
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
