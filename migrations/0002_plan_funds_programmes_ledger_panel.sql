CREATE TABLE "fund_contributors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fund_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"share_pence" bigint NOT NULL,
	CONSTRAINT "fund_contributors_share_positive" CHECK ("fund_contributors"."share_pence" > 0)
);
--> statement-breakpoint
CREATE TABLE "fund_streams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fund_id" uuid NOT NULL,
	"name" text NOT NULL,
	"budget_pence" bigint NOT NULL,
	CONSTRAINT "fund_streams_budget_nonnegative" CHECK ("fund_streams"."budget_pence" >= 0)
);
--> statement-breakpoint
CREATE TABLE "funds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"financial_year" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"budget_pence" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "funds_budget_nonnegative" CHECK ("funds"."budget_pence" >= 0)
);
--> statement-breakpoint
CREATE TABLE "fund_ledger" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fund_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"fund_id" uuid NOT NULL,
	"stream_id" uuid,
	"case_id" uuid,
	"case_version" integer,
	"movement" text NOT NULL,
	"amount_pence" bigint NOT NULL,
	"note" text NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "fund_ledger_amount_positive" CHECK ("fund_ledger"."amount_pence" > 0),
	CONSTRAINT "fund_ledger_movement" CHECK ("fund_ledger"."movement" in ('commit','release'))
);
--> statement-breakpoint
CREATE TABLE "panel_declarations" (
	"case_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"conflicted" boolean NOT NULL,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "panel_declarations_case_id_user_id_pk" PRIMARY KEY("case_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "panel_scores" (
	"case_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"scores" jsonb NOT NULL,
	"comment" text,
	"version" integer DEFAULT 1 NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "panel_scores_case_id_user_id_pk" PRIMARY KEY("case_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "plan_outcomes" (
	"id" text PRIMARY KEY NOT NULL,
	"theme_id" text NOT NULL,
	"title" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_themes" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_outcomes" (
	"programme_id" uuid NOT NULL,
	"outcome_id" text NOT NULL,
	CONSTRAINT "programme_outcomes_programme_id_outcome_id_pk" PRIMARY KEY("programme_id","outcome_id")
);
--> statement-breakpoint
CREATE TABLE "programmes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"cycle" text NOT NULL,
	"fund_id" uuid NOT NULL,
	"stream_id" uuid,
	"theme_id" text NOT NULL,
	"opens_at" timestamp with time zone,
	"closes_at" timestamp with time zone,
	"decision_on" date,
	"delegation_threshold_pence" bigint NOT NULL,
	"max_award_pence" bigint,
	"criteria" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programmes_threshold_nonnegative" CHECK ("programmes"."delegation_threshold_pence" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "programme_id" uuid;--> statement-breakpoint
ALTER TABLE "fund_contributors" ADD CONSTRAINT "fund_contributors_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_contributors" ADD CONSTRAINT "fund_contributors_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_streams" ADD CONSTRAINT "fund_streams_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_stream_id_fund_streams_id_fk" FOREIGN KEY ("stream_id") REFERENCES "public"."fund_streams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "panel_declarations" ADD CONSTRAINT "panel_declarations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "panel_declarations" ADD CONSTRAINT "panel_declarations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "panel_scores" ADD CONSTRAINT "panel_scores_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "panel_scores" ADD CONSTRAINT "panel_scores_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_outcomes" ADD CONSTRAINT "plan_outcomes_theme_id_plan_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."plan_themes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_outcomes" ADD CONSTRAINT "programme_outcomes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_outcomes" ADD CONSTRAINT "programme_outcomes_outcome_id_plan_outcomes_id_fk" FOREIGN KEY ("outcome_id") REFERENCES "public"."plan_outcomes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_stream_id_fund_streams_id_fk" FOREIGN KEY ("stream_id") REFERENCES "public"."fund_streams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_theme_id_plan_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."plan_themes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fund_contributors_key" ON "fund_contributors" USING btree ("fund_id","organisation_id");--> statement-breakpoint
CREATE INDEX "fund_streams_fund_idx" ON "fund_streams" USING btree ("fund_id");--> statement-breakpoint
CREATE UNIQUE INDEX "funds_name_year_key" ON "funds" USING btree ("name","financial_year");--> statement-breakpoint
CREATE INDEX "fund_ledger_fund_idx" ON "fund_ledger" USING btree ("fund_id");--> statement-breakpoint
CREATE INDEX "fund_ledger_case_idx" ON "fund_ledger" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "programmes_fund_idx" ON "programmes" USING btree ("fund_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_programme_seq_idx" ON "cases" USING btree ("programme_id","seq" DESC NULLS LAST);