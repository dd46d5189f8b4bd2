-- The board report's index on a monitoring return's due date named the snapshot, so no update of a
-- case could be HOT: every transition wrote a new entry into each of this table's indexes. The due
-- date is now a stored generated column, indexed, and a transition that stays in its state (and its
-- due date) updates the row in place. Each page keeps a tenth free for those in-place versions;
-- adding the column rewrites the table, which applies it to every page.
ALTER TABLE "cases" SET (fillfactor = 90);--> statement-breakpoint
DROP INDEX "cases_return_due_idx";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "due_on" text GENERATED ALWAYS AS (snapshot -> 'context' ->> 'dueOn') STORED;--> statement-breakpoint
CREATE INDEX "cases_return_due_idx" ON "cases" USING btree ("due_on") WHERE "cases"."machine_id" = 'monitoring-return';
