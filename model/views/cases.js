// Public view `cases` (semantic contract, docs/semantic.md): follow-up of detractors and other
// answers that call for it. Keep member names stable; add, don't rename.
view(`cases`, {
  description: `Follow-up cases: backlog, time to first action and to close, share closed within the SLA, root causes, and the recovery rate of followed-up detractors against those not followed up.`,
  cubes: [
    {
      join_path: follow_up_cases,
      includes: `*`,
      // a building block of backlog_age_hours, not a figure
      excludes: [`open_hours_sum`],
    },
    {
      join_path: follow_up_cases.case_recovery,
      includes: [
        `recovery_followed_up_answered`, `recovery_followed_up_recovered`, `recovery_not_followed_up_answered`, `recovery_not_followed_up_recovered`,
        `recovery_rate_followed_up`, `recovery_rate_not_followed_up`, `recovery_difference`, `recovery_difference_low`, `recovery_difference_high`,
        `recovery_z`, `recovery_p_value`, `recovery_significant`,
        `recovery_followed_up_answered_reported`, `recovery_followed_up_recovered_reported`, `recovery_not_followed_up_answered_reported`, `recovery_not_followed_up_recovered_reported`,
        `recovery_rate_followed_up_reported`, `recovery_rate_not_followed_up_reported`, `recovery_difference_reported`, `recovery_difference_low_reported`, `recovery_difference_high_reported`,
        `recovery_z_reported`, `recovery_p_value_reported`, `recovery_significant_reported`,
      ],
    },
  ],
});
