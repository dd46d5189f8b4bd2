ALTER TABLE "programmes" ADD COLUMN "return_every_months" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "programmes" ADD COLUMN "return_due_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_return_every_months" CHECK ("programmes"."return_every_months" in (3, 6, 12));--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_return_due_days" CHECK ("programmes"."return_due_days" between 0 and 120);