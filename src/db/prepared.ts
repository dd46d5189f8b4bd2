// The reads every page makes, built once. drizzle writes a query's SQL text afresh on every call
// (about 0.1 ms of CPU each, most of a small read's cost: README "Performance"); a query made here is
// built and prepared (drizzle's .prepare) once per database handle, its values given as placeholders
// (`sql.placeholder('name')`) to `execute`. Timestamps go as ISO text (statements.ts timestampParam):
// a placeholder's value reaches postgres.js as it is, without the column's own conversion.
import type { Db } from './client.ts';

export function preparedRead<Prepared>(
  name: string,
  build: (db: Db) => { prepare(name: string): Prepared },
): (db: Db) => Prepared {
  // A transaction is a handle of its own: its reads are built once in it and go with it.
  const built = new WeakMap<Db, Prepared>();
  return (db) => {
    let query = built.get(db);
    if (!query) {
      query = build(db).prepare(name);
      built.set(db, query);
    }
    return query;
  };
}
