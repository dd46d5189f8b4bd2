// Payload fields that choose a supplier (widget 'supplier') name an organisation on record by its id.
// The engine refuses an id that is not one, and gives the machine the names chosen (the event's
// `suppliers`), so a machine keeps who it is paying in words without reading the database.
import type { z } from 'zod';
import type { SupplierNames } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { suppliersAmong } from '../db/queries/organisations.ts';
import { fieldsWithWidget } from './describe.ts';
import { invalid } from './errors.ts';
import { isUuid } from './ids.ts';

/** The payload's fields that choose a supplier. */
export const supplierFields = (schema: z.ZodObject): string[] => fieldsWithWidget(schema, 'supplier');

/**
 * The names of the suppliers a payload chose, by id; null when its schema chooses none. Throws 422
 * naming the field when an id is not a supplier on record.
 */
export async function supplierNames(
  tx: Tx,
  schema: z.ZodObject,
  payload: Record<string, unknown>,
): Promise<SupplierNames | null> {
  const fields = supplierFields(schema).filter((f) => typeof payload[f] === 'string');
  if (!fields.length) return null;
  const ids = fields.map((f) => payload[f] as string);
  const found = await suppliersAmong(tx, ids.filter(isUuid));
  const names = Object.fromEntries(found.map((o) => [o.id, o.name]));
  const unknown = fields.filter((f) => !Object.hasOwn(names, payload[f] as string));
  if (unknown.length)
    throw invalid(
      'That organisation is not on record.',
      unknown.map((field) => ({
        field,
        message: 'Choose an organisation on record. If it is not listed, an administrator adds it first.',
      })),
    );
  return names;
}
