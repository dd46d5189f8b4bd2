CREATE TABLE "case_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"from_organisation" boolean NOT NULL,
	"body" text NOT NULL,
	"send_key" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_messages_body_check" CHECK (length("case_messages"."body") > 0)
);
--> statement-breakpoint
ALTER TABLE "case_messages" ADD CONSTRAINT "case_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_messages" ADD CONSTRAINT "case_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_messages_case_idx" ON "case_messages" USING btree ("case_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "case_messages_send_key_idx" ON "case_messages" USING btree ("case_id","send_key");