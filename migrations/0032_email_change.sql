ALTER TABLE "password_links" DROP CONSTRAINT "password_links_purpose";--> statement-breakpoint
ALTER TABLE "password_links" ADD COLUMN "new_email" text;--> statement-breakpoint
ALTER TABLE "password_links" ADD CONSTRAINT "password_links_purpose" CHECK ("password_links"."purpose" in ('set', 'reset', 'invite', 'email'));