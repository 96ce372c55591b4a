/** One language per dashboard build. Page sources carry both languages inline, and a build keeps
 * one of them, so every page of a build reads in a single language:
 *
 *   [[nl: Klanten | en: Customers]]   -> "Klanten" in a Dutch build, "Customers" in an English one
 *   label_[[lang]]                    -> label_nl / label_en (columns of reference data)
 *
 * Both variants sit side by side, so a translation cannot go missing without `pages check`
 * noticing, and Evidence never sees a marker. */
import { PromotorError } from "../lib/errors.ts";

export const LANGUAGES = ["nl", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "nl";

export const isLanguage = (value: unknown): value is Language => typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);

export function parseLanguage(value: string | undefined): Language {
  if (value === undefined) return DEFAULT_LANGUAGE;
  if (!isLanguage(value)) throw new PromotorError(`unknown dashboard language "${value}"`, { hint: `use --lang ${LANGUAGES.join(" or --lang ")}` });
  return value;
}

/** Anything between [[ and ]]: a translation pair or [[lang]]. */
const MARKER = /\[\[([\s\S]*?)\]\]/g;
const PAIR = /^\s*nl:\s*([\s\S]*?)\s*\|\s*en:\s*([\s\S]*?)\s*$/;

export interface MarkerProblem {
  line: number;
  message: string;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split("\n").length;

/** Markers that are not a complete nl/en pair (or [[lang]]), with their line. */
export function markerProblems(text: string): MarkerProblem[] {
  const problems: MarkerProblem[] = [];
  for (const m of text.matchAll(MARKER)) {
    const inner = m[1]!;
    if (inner.trim() === "lang") continue;
    const pair = PAIR.exec(inner);
    if (!pair) {
      problems.push({ line: lineOf(text, m.index ?? 0), message: `[[${inner}]] is not a translation: write [[nl: Dutch text | en: English text]] or [[lang]]` });
    } else if (!pair[1] || !pair[2]) {
      problems.push({ line: lineOf(text, m.index ?? 0), message: `[[${inner}]] has an empty ${pair[1] ? "English" : "Dutch"} text` });
    }
  }
  return problems;
}

/** The text in one language. Throws on a marker that is not a complete pair. */
export function localize(text: string, lang: Language, file = "page"): string {
  const problems = markerProblems(text);
  if (problems.length) throw new PromotorError(problems[0]!.message, { file, line: problems[0]!.line });
  return text.replace(MARKER, (_m, inner: string) => {
    if (inner.trim() === "lang") return lang;
    const pair = PAIR.exec(inner)!;
    return lang === "nl" ? pair[1]! : pair[2]!;
  });
}

/** Both variants of every pair, for tests that look for the other language in a build. */
export function translationPairs(text: string): { nl: string; en: string; line: number }[] {
  const out: { nl: string; en: string; line: number }[] = [];
  for (const m of text.matchAll(MARKER)) {
    const pair = PAIR.exec(m[1]!);
    if (pair) out.push({ nl: pair[1]!, en: pair[2]!, line: lineOf(text, m.index ?? 0) });
  }
  return out;
}
