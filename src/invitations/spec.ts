/** Survey invitations (docs/survey-pressure.md): one row per invitation a survey tool sent, from
 * its distribution history. Through the shared dataset pipeline (src/ingest/dataset.ts): a
 * missing invitation_id is generated from the row's values; an id loaded before with other
 * values is a conflict. `response_id`, where the tool's export carries it (Qualtrics'
 * distribution history does), links the invitation to its answer; otherwise dbt links them by
 * customer, survey type, touchpoint and time (int_invitation_answers). */
import type { DatasetSpec } from "../ingest/dataset-spec.ts";
import { SURVEY_TYPES } from "../survey/canonical.ts";

export const INVITATIONS: DatasetSpec = {
  name: "invitations",
  table: "invitations",
  key: "invitation_id",
  noun: "invitation",
  versioned: false,
  generatedKeyPrefix: "i-",
  columns: [
    { name: "invitation_id", kind: "text", required: true, description: "The invitation's id (generated when the export has none)." },
    { name: "customer_id", kind: "text", required: true, description: "The customer invited, as the survey answers carry it." },
    { name: "sent_at", kind: "timestamp", required: true, description: "When the invitation was sent (UTC)." },
    { name: "survey_type", kind: "code", required: true, values: SURVEY_TYPES, description: "relationship or touchpoint." },
    { name: "touchpoint", kind: "code", description: "The touchpoint of a touchpoint survey." },
    { name: "channel", kind: "code", description: "How it was sent: email, sms, app, …" },
    { name: "response_id", kind: "text", description: "The answer it got, where the survey tool's export names it." },
  ],
  references: [
    {
      column: "customer_id",
      known: "SELECT customer_id FROM raw.responses WHERE customer_id IS NOT NULL UNION ALL SELECT customer_id FROM raw.customers",
      says: "invitation(s) of customers in no answer and not in the customer ledger",
      fix: "check the customer ids (the survey tool's contact id instead of the CRM's?); they are loaded, and count as unanswered",
    },
  ],
  checks: [
    { fails: "survey_type = 'touchpoint' AND touchpoint IS NULL", message: "'missing touchpoint (required for touchpoint invitations)'" },
    { fails: "survey_type = 'relationship' AND touchpoint IS NOT NULL", message: "format('a relationship invitation has no touchpoint (touchpoint ''{}''): is it a touchpoint survey?', touchpoint)" },
    {
      // The answer an invitation names cannot come before it (only where the answer is loaded already;
      // promotor build reports the rest, int_invitation_answers).
      fails: "response_id IS NOT NULL AND sent_at > (SELECT max(r.answered_at) FROM raw.responses r WHERE r.response_id = y.response_id)",
      message: "format('sent_at {} is after its answer {} was given ({}): the wrong response_id, or sent_at in another time zone?', strftime(sent_at, '%Y-%m-%d %H:%M'), response_id, (SELECT strftime(max(r.answered_at), '%Y-%m-%d %H:%M') FROM raw.responses r WHERE r.response_id = y.response_id))",
    },
  ],
};
