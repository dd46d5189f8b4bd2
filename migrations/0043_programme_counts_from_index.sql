DROP INDEX "cases_programme_seq_idx";--> statement-breakpoint
CREATE INDEX "cases_programme_seq_idx" ON "cases" USING btree ("programme_id","seq" DESC NULLS FIRST,"machine_id","state");