ALTER TABLE "programmes" ADD COLUMN "service_starts_on" date;--> statement-breakpoint
ALTER TABLE "programmes" ADD COLUMN "service_ends_on" date;--> statement-breakpoint
ALTER TABLE "programmes" ADD COLUMN "max_service_months" integer;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_service_dates_in_order" CHECK ("programmes"."service_ends_on" is null or "programmes"."service_starts_on" is null or "programmes"."service_ends_on" >= "programmes"."service_starts_on");--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_max_service_months_positive" CHECK ("programmes"."max_service_months" is null or "programmes"."max_service_months" >= 1);