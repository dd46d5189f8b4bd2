CREATE TABLE "programme_measures" (
	"programme_id" uuid NOT NULL,
	"measure_id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"target" numeric,
	"breakdowns" jsonb NOT NULL,
	"weighted_by" text,
	CONSTRAINT "programme_measures_programme_id_measure_id_pk" PRIMARY KEY("programme_id","measure_id"),
	CONSTRAINT "programme_measures_unit" CHECK ("programme_measures"."unit" in ('count', 'percent'))
);
--> statement-breakpoint
ALTER TABLE "programme_measures" ADD CONSTRAINT "programme_measures_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;