CREATE TABLE "baseline_surveys" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "baseline_surveys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"enrollment_id" bigint NOT NULL,
	"person_id" bigint NOT NULL,
	"consent_given" boolean NOT NULL,
	"working_for_pay" boolean,
	"business_started" boolean,
	"business_kind" text,
	"channels" text[],
	"income_bracket" text,
	"recorded_by" bigint,
	"answered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "certificates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"enrollment_id" bigint NOT NULL,
	"code" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "certificates_enrollment_uq" UNIQUE("enrollment_id"),
	CONSTRAINT "certificates_code_uq" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "kompeten_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "kompeten_by" bigint;--> statement-breakpoint
ALTER TABLE "follow_up_surveys" ADD COLUMN "working_for_pay" boolean;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD COLUMN "mentor_present_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "baseline_surveys" ADD CONSTRAINT "baseline_surveys_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "baseline_surveys" ADD CONSTRAINT "baseline_surveys_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "baseline_surveys" ADD CONSTRAINT "baseline_surveys_recorded_by_people_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "baseline_surveys_enrollment_uq" ON "baseline_surveys" USING btree ("enrollment_id");--> statement-breakpoint
CREATE INDEX "baseline_surveys_person_idx" ON "baseline_surveys" USING btree ("person_id");--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_kompeten_by_people_id_fk" FOREIGN KEY ("kompeten_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;