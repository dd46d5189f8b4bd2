DROP INDEX "cases_machine_state_seq_idx";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "officer_id" uuid;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_officer_id_users_id_fk" FOREIGN KEY ("officer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_machine_state_seq_idx" ON "cases" USING btree ("machine_id","state","seq" DESC NULLS FIRST,"officer_id","id");--> statement-breakpoint
-- A case an officer opened is theirs; the rest wait for the first officer who acts on them.
UPDATE "cases" SET "officer_id" = "created_by" WHERE "created_by" IN (SELECT "id" FROM "users" WHERE "role" = 'officer');
