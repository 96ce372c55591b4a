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
  ],
});
