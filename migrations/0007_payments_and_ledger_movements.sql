CREATE TABLE "payment_schedules" (
	"award_case_id" uuid PRIMARY KEY NOT NULL,
	"profile" text NOT NULL,
	"instalments" integer,
	"remainder_in" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"scheduled_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payment_schedules_profile" CHECK ("payment_schedules"."profile" in ('quarterlyInAdvance','quarterlyInArrears','instalments','oneOff')),
	CONSTRAINT "payment_schedules_remainder" CHECK ("payment_schedules"."remainder_in" in ('first','last')),
	CONSTRAINT "payment_schedules_dates" CHECK ("payment_schedules"."ends_on" >= "payment_schedules"."starts_on"),
	CONSTRAINT "payment_schedules_instalments" CHECK ("payment_schedules"."instalments" is null or "payment_schedules"."instalments" between 1 and 120)
);
--> statement-breakpoint
ALTER TABLE "fund_ledger" DROP CONSTRAINT "fund_ledger_movement";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "award_case_id" uuid;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD COLUMN "payment_case_id" uuid;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD COLUMN "cause" text DEFAULT 'decision' NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_schedules" ADD CONSTRAINT "payment_schedules_award_case_id_cases_id_fk" FOREIGN KEY ("award_case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedules" ADD CONSTRAINT "payment_schedules_scheduled_by_users_id_fk" FOREIGN KEY ("scheduled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_award_case_id_cases_id_fk" FOREIGN KEY ("award_case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_payment_case_id_cases_id_fk" FOREIGN KEY ("payment_case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_award_idx" ON "cases" USING btree ("award_case_id","machine_id");--> statement-breakpoint
CREATE INDEX "cases_return_due_idx" ON "cases" USING btree (("snapshot" -> 'context' ->> 'dueOn')) WHERE "cases"."machine_id" = 'monitoring-return';--> statement-breakpoint
CREATE INDEX "fund_ledger_payment_idx" ON "fund_ledger" USING btree ("payment_case_id");--> statement-breakpoint
CREATE INDEX "fund_ledger_movement_at_idx" ON "fund_ledger" USING btree ("movement","at");--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_cause" CHECK ("fund_ledger"."cause" in ('decision','underspend','clawback','cancelled'));--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_movement" CHECK ("fund_ledger"."movement" in ('commit','release','payment','repayment','reported'));
--> statement-breakpoint
-- Monitoring returns opened before this migration name their award only in their context.
UPDATE "cases" SET "award_case_id" = ("snapshot"->'context'->>'awardCaseId')::uuid
  WHERE "machine_id" = 'monitoring-return' AND "award_case_id" IS NULL AND "snapshot"->'context'->>'awardCaseId' IS NOT NULL;
--> statement-breakpoint
-- Youth Fund grants paid under version 1 kept the payment only in their context: record it in the
-- ledger, so version 2's closing releases only what was never paid.
INSERT INTO "fund_ledger" ("fund_id", "stream_id", "case_id", "movement", "cause", "amount_pence", "note", "at")
  SELECT p."fund_id", p."stream_id", c."id", 'payment', 'decision',
         (c."snapshot"->'context'->'payment'->>'amountPence')::bigint, 'youth-fund version 1 payment',
         ((c."snapshot"->'context'->'payment'->>'paidOn')::date + time '12:00') AT TIME ZONE 'Europe/London'
  FROM "cases" c JOIN "programmes" p ON p."id" = c."programme_id"
  WHERE c."machine_id" = 'youth-fund' AND c."machine_version" = 1
    AND jsonb_typeof(c."snapshot"->'context'->'payment') = 'object'
    AND NOT EXISTS (SELECT 1 FROM "fund_ledger" l WHERE l."case_id" = c."id" AND l."movement" = 'payment');
