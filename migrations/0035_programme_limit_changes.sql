CREATE TABLE "programme_limit_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"delegation_threshold_pence" bigint NOT NULL,
	"max_award_pence" bigint,
	"panel_quorum" integer NOT NULL,
	"reason" text NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programme_limit_changes_threshold_nonnegative" CHECK ("programme_limit_changes"."delegation_threshold_pence" >= 0),
	CONSTRAINT "programme_limit_changes_quorum_positive" CHECK ("programme_limit_changes"."panel_quorum" >= 1)
);
--> statement-breakpoint
ALTER TABLE "programme_limit_changes" ADD CONSTRAINT "programme_limit_changes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_limit_changes" ADD CONSTRAINT "programme_limit_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "programme_limit_changes_programme_idx" ON "programme_limit_changes" USING btree ("programme_id","changed_at");--> statement-breakpoint
INSERT INTO "programme_limit_changes" ("programme_id", "delegation_threshold_pence", "max_award_pence", "panel_quorum", "reason", "changed_at")
SELECT "id", "delegation_threshold_pence", "max_award_pence", "panel_quorum", 'The limits the programme had when changes to them began to be logged', "created_at" FROM "programmes";
