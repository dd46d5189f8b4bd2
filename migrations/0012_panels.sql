CREATE TABLE "programme_panel" (
	"programme_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"assigned_by" uuid,
	"assigned_at" timestamp with time zone NOT NULL,
	"removed_by" uuid,
	"removed_at" timestamp with time zone,
	CONSTRAINT "programme_panel_programme_id_user_id_assigned_at_pk" PRIMARY KEY("programme_id","user_id","assigned_at")
);
--> statement-breakpoint
ALTER TABLE "programmes" ADD COLUMN "panel_quorum" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "programme_panel" ADD CONSTRAINT "programme_panel_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_panel" ADD CONSTRAINT "programme_panel_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_panel" ADD CONSTRAINT "programme_panel_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_panel" ADD CONSTRAINT "programme_panel_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "programme_panel_member_idx" ON "programme_panel" USING btree ("user_id","programme_id");--> statement-breakpoint
CREATE UNIQUE INDEX "programme_panel_current_idx" ON "programme_panel" USING btree ("programme_id","user_id") WHERE "programme_panel"."removed_at" is null;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_panel_quorum_positive" CHECK ("programmes"."panel_quorum" >= 1);