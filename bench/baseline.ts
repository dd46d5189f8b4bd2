// The baseline: the database work of one transition written by hand with postgres.js — no engine,
// no HTTP, no ORM. Lock the case, write its next snapshot and version, add the history row:
//   BEGIN; SELECT * FROM cases WHERE id = $1 FOR UPDATE; UPDATE cases ...; INSERT INTO case_events ...; COMMIT
// It writes what the engine writes for the same event (same snapshot shape and size, same payload,
// same history columns), so engine/baseline is the price of everything else.
import type postgres from 'postgres';

export interface BaselineEvent {
  type: string;
  /** The new needs assessment, as the engine's machine would assign it to the context. */
  payload: Record<string, string>;
  actorId: string;
  actorRole: string;
}

interface StoredSnapshot {
  context: Record<string, unknown>;
  [key: string]: unknown;
}

export async function baselineTransition(sql: postgres.Sql, caseId: string, event: BaselineEvent) {
  await sql.begin(async (tx) => {
    const [row] = await tx`select * from cases where id = ${caseId} for update`;
    if (!row) throw new Error(`no case ${caseId}`);
    const snapshot = row.snapshot as StoredSnapshot;
    // What the machine's recordNeedsAssessment does; the state stays as it is (a self-loop).
    const next = { ...snapshot, context: { ...snapshot.context, needsAssessment: event.payload } };
    const version = (row.version as number) + 1;
    const at = new Date();
    const updated = await tx`update cases
      set state = ${row.state as string}, snapshot = ${tx.json(next as postgres.JSONValue)},
          version = ${version}, updated_at = ${at}
      where id = ${caseId} and version = ${row.version as number}`;
    if (updated.count !== 1) throw new Error(`case ${caseId} moved while locked`);
    await tx`insert into case_events
      (case_id, version, type, payload, from_state, to_state, actor_id, actor_role, effects, at)
      values (${caseId}, ${version}, ${event.type}, ${tx.json(event.payload)}, ${row.state as string},
              ${row.state as string}, ${event.actorId}, ${event.actorRole}, ${tx.json([])}, ${at})`;
  });
}
