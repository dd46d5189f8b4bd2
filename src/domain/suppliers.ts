// The suppliers a cycle chooses among (widget 'supplier'): the provider organisations on record, for
// the forms that ask for one and the history that names one.
import type { MachineDefinition } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { listSuppliers } from '../db/queries/organisations.ts';
import { supplierFields } from '../engine/suppliers.ts';

/** Whether any of the cycle's events chooses a supplier. */
const choosesSuppliers = (definition: MachineDefinition) =>
  Object.values(definition.events).some((spec) => supplierFields(spec.payload).length > 0);

/** The suppliers on record, by name, where the cycle chooses any; none otherwise (no query). */
export async function suppliersFor(
  db: Db,
  definition: MachineDefinition,
): Promise<{ id: string; name: string }[]> {
  return choosesSuppliers(definition) ? listSuppliers(db) : [];
}
