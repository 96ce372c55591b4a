// Public view `invitations` (semantic contract, docs/semantic.md, docs/survey-pressure.md).
// Keep member names stable; add, don't rename.
view(`invitations`, {
  description: `Survey invitations: response rate with its interval by survey type, touchpoint, channel, segment, month, rank and gap; invitations that broke a contact rule; fatigue signals; and the NPS of often against rarely asked customers.`,
  cubes: [
    {
      join_path: survey_invitations,
      includes: `*`,
      // building blocks of the NPS comparison, not figures
      excludes: [`often_promoters`, `often_detractors`, `rarely_promoters`, `rarely_detractors`],
    },
  ],
});
