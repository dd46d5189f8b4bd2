ALTER TABLE "organisations" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "verified_by" uuid;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "inactive_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "inactive_reason" text;