CREATE TABLE "bank_details" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"account_name" text NOT NULL,
	"sort_code" text NOT NULL,
	"account_number" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"rejected_reason" text,
	CONSTRAINT "bank_details_sort_code" CHECK ("bank_details"."sort_code" ~ '^[0-9]{6}$'),
	CONSTRAINT "bank_details_account_number" CHECK ("bank_details"."account_number" ~ '^[0-9]{8}$'),
	CONSTRAINT "bank_details_status" CHECK ("bank_details"."status" in ('pending','confirmed','superseded','rejected')),
	CONSTRAINT "bank_details_second_person" CHECK ("bank_details"."decided_by" is null or "bank_details"."decided_by" <> "bank_details"."requested_by")
);
--> statement-breakpoint
ALTER TABLE "bank_details" ADD CONSTRAINT "bank_details_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_details" ADD CONSTRAINT "bank_details_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_details" ADD CONSTRAINT "bank_details_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bank_details_organisation_idx" ON "bank_details" USING btree ("organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_details_one_pending" ON "bank_details" USING btree ("organisation_id") WHERE "bank_details"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "bank_details_one_confirmed" ON "bank_details" USING btree ("organisation_id") WHERE "bank_details"."status" = 'confirmed';