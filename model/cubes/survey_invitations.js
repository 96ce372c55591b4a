// Survey invitations (marts.fct_invitations): response rates, contact-rule breaks and fatigue.
// Measures from src/measures/invitations.ts.
import { invitationMeasures } from './promotor_measures';

cube(`survey_invitations`, {
  sql_table: `marts.fct_invitations`,
  description: `Survey invitations with their answer, rank in the customer's last 365 days, the contact rule they broke and fatigue signals (docs/survey-pressure.md).`,
  public: false,

  dimensions: {
    invitation_id: { sql: `invitation_id`, type: `string`, primary_key: true, shown: true, description: `Invitation identifier.` },
    customer_id: { sql: `customer_id`, type: `string`, description: `Customer identifier.` },
    sent_at: { sql: `sent_at`, type: `time`, description: `When the invitation was sent.` },
    survey_type: { sql: `survey_type`, type: `string`, description: `relationship or touchpoint.` },
    touchpoint: { sql: `touchpoint`, type: `string`, description: `Touchpoint of a touchpoint survey.` },
    channel: { sql: `channel`, type: `string`, description: `How it was sent (email, sms, …).` },
    segment: { sql: `segment`, type: `string`, description: `Customer segment (current).` },
    business_unit: { sql: `business_unit`, type: `string`, description: `Business unit serving the customer (current).` },
    account_manager: { sql: `account_manager`, type: `string`, description: `Account manager of the customer (current).` },
    rank_bucket: { sql: `rank_bucket`, type: `string`, description: `The invitation's rank among the customer's invitations of the last 365 days: 1, 2, 3 or 4+.` },
    gap_bucket: { sql: `gap_bucket`, type: `string`, description: `Days since the customer's previous invitation: first, 0-13, 14-29, 30-59, 60-89, 90+.` },
    broken_rule: { sql: `broken_rule`, type: `string`, description: `The contact rule the invitation broke when sent (min_days_between, max_per_365_days, quiet_after_<touchpoint>, case_open), null when none.` },
    is_answered: { sql: `is_answered`, type: `boolean`, description: `The invitation got an answer.` },
  },

  measures: {
    ...invitationMeasures,
  },

  // Row-level security as for nps (docs/semantic.md), on the customer's current unit and manager.
  access_policy: [
    { group: `executive`, row_level: { allow_all: true } },
    { group: `business_unit`, row_level: { filters: [{ member: `${CUBE}.business_unit`, operator: `equals`, values: [securityContext.business_unit] }] } },
    { group: `account_manager`, row_level: { filters: [{ member: `${CUBE}.account_manager`, operator: `equals`, values: [securityContext.account_manager] }] } },
  ],
});
