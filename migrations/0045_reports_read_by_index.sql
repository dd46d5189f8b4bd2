-- The board report read every case to find the Youth Fund end-of-grant reports due in a quarter (their
-- due date was only in the snapshot), and the crime and disorder publication read the whole history of
-- every crime and disorder grant to find those made in a month. A report's due date is now a stored
-- generated column like due_on (no index names the snapshot, so updates stay HOT), indexed where a
-- case has one; the steps into `live` from another state are indexed by when. Adding the column
-- rewrites the cases table once.
ALTER TABLE "cases" ADD COLUMN "report_due_on" text GENERATED ALWAYS AS (snapshot -> 'context' ->> 'reportDueOn') STORED;--> statement-breakpoint
CREATE INDEX "case_events_entered_live_idx" ON "case_events" USING btree ("at","case_id") WHERE "case_events"."to_state" = 'live' and "case_events"."from_state" is distinct from 'live';--> statement-breakpoint
CREATE INDEX "cases_report_due_idx" ON "cases" USING btree ("report_due_on") WHERE "cases"."report_due_on" is not null;