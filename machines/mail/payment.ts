// What a payment tells people: its reference, the date, and a link; never amounts or bank details.

import { check, longDate, type MessageTemplate } from '../messages.ts';
import type { PaymentMessage } from '../payment.ts';

export const paymentTemplates: Record<PaymentMessage, MessageTemplate> = {
  paymentApproved: {
    subject: (d) => `${d.reference}: a payment has been approved`,
    body: (d) => [
      `Payment ${d.reference}, due ${longDate(d.context.dueOn)}, is approved and ready to pay.`,
      check,
    ],
  },
  paymentMade: {
    subject: (d) => `${d.reference}: a payment has been made`,
    body: (d) => [`Payment ${d.reference} of your grant has been made.`, check],
  },
  paymentCorrected: {
    subject: (d) => `${d.reference}: the record of a payment has been corrected`,
    body: (d) => [
      `Finance has corrected the date or the finance reference recorded for payment ${d.reference}.`,
      check,
    ],
  },
};
