ALTER TABLE "funds" ADD COLUMN "indicative" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "funds" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "funds" ADD COLUMN "confirmed_by" uuid;--> statement-breakpoint
ALTER TABLE "funds" ADD CONSTRAINT "funds_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Money an award moves from one financial year's fund to another's is released as re-phased.
ALTER TABLE "fund_ledger" DROP CONSTRAINT "fund_ledger_cause";--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_cause" CHECK ("fund_ledger"."cause" in ('decision','underspend','clawback','cancelled','rephased'));
