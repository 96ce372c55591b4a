/** Close matches for a mistyped member name ("nps.scor" -> nps.score, nps.score_reported). */

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to `max` known names closest to `name`: same-view names first, then by edit distance;
 * a known name that contains the typed one (or vice versa) counts as close. */
export function closeMatches(name: string, known: readonly string[], max = 5): string[] {
  const lower = name.toLowerCase();
  const [view = "", member = lower] = lower.split(".", 2);
  const scored = known.map((candidate) => {
    const c = candidate.toLowerCase();
    const [cView = "", cMember = c] = c.split(".", 2);
    const raw = Math.min(editDistance(lower, c), editDistance(member, cMember) + (view === cView ? 0 : 2));
    let distance = raw;
    if (cMember.includes(member) || (member.length >= 3 && member.includes(cMember))) distance = Math.min(distance, 1 + (view === cView ? 0 : 2));
    return { candidate, distance, raw };
  });
  const limit = Math.max(2, Math.ceil(member.length / 3));
  return scored
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.raw - b.raw || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((s) => s.candidate);
}
