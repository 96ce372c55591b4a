/** Export layouts. Each turns a ResponseRow into one line of text by plain concatenation of
 * pre-escaped strings (the hot path of `promotor generate`). Layouts: docs/generate.md. */

import { CANONICAL_NAMES } from "../survey/canonical.ts";
import type { Clock } from "./clock.ts";
import type { PhraseBook } from "./reasons.ts";
import type { ResponseRow } from "./response.ts";
import { ACCOUNT_MANAGERS, BUSINESS_UNITS, CHANNELS, LANGUAGES, SEGMENTS, TOUCHPOINTS } from "./vocabulary.ts";

export const FORMATS = ["csv", "excel-nl", "qualtrics", "parquet"] as const;
export type FormatName = (typeof FORMATS)[number];

export interface RowFormat {
  /** File extension of the final files. */
  extension: string;
  /** Text at the top of every file (BOM and header rows). */
  header: string;
  /** Physical lines of `header`. */
  headerLines: number;
  /** One record including its line end. */
  line(row: ResponseRow): string;
}

/** RFC 4180 quoting: only when the field holds the separator, a quote or a line break. */
export function quoteField(value: string, sep: string): string {
  return value.includes(sep) || value.includes('"') || value.includes("\n") || value.includes("\r")
    ? '"' + value.replaceAll('"', '""') + '"'
    : value;
}

const SCORE: readonly string[] = Array.from({ length: 11 }, (_, i) => String(i));
const score = (n: number): string => (n < 0 ? "" : SCORE[n]!);

export function makeFormat(name: FormatName, clock: Clock, phrases: PhraseBook): RowFormat {
  switch (name) {
    case "csv":
    case "parquet": // parquet is written as canonical CSV first, then converted by DuckDB
      return canonical(",", "\n", "", clock, phrases, name === "parquet" ? ".parquet" : ".csv");
    case "excel-nl":
      return canonical(";", "\r\n", "\uFEFF", clock, phrases, ".csv");
    case "qualtrics":
      return qualtrics(clock, phrases);
  }
}

function canonical(sep: string, eol: string, bom: string, clock: Clock, phrases: PhraseBook, extension: string): RowFormat {
  const q = (v: string): string => quoteField(v, sep);
  const reasons = phrases.entries.map((e) => q(e.text));
  const touchpoints = TOUCHPOINTS.map((t) => q(t.code));
  const channels = CHANNELS.map(q);
  const languages = LANGUAGES.map(q);
  const segments = SEGMENTS.map(q);
  const units = BUSINESS_UNITS.map(q);
  const managers = ACCOUNT_MANAGERS.map(q);
  return {
    extension,
    header: bom + CANONICAL_NAMES.map(q).join(sep) + eol,
    headerLines: 1,
    line(r: ResponseRow): string {
      const d = r.drivers;
      const k = r.krs;
      return (
        (r.idText ?? r.id) + sep +
        r.customerId + sep +
        (r.timeText ?? clock.format(r.t, "T")) + sep +
        (r.relationship ? "relationship" : "touchpoint") + sep +
        (r.touchpoint < 0 ? "" : touchpoints[r.touchpoint]) + sep +
        channels[r.channel] + sep +
        languages[r.language] + sep +
        segments[r.segment] + sep +
        units[r.unit] + sep +
        (r.manager < 0 ? "" : managers[r.manager]) + sep +
        (r.scoreText ?? SCORE[r.recommend]) + sep +
        (r.reason < 0 ? "" : reasons[r.reason]) + sep +
        score(d[0]!) + sep + score(d[1]!) + sep + score(d[2]!) + sep + score(d[3]!) + sep +
        score(k[0]!) + sep + score(k[1]!) + sep + score(k[2]!) + sep +
        score(r.csat) + sep + score(r.ces) + eol
      );
    },
  };
}

/** Qualtrics "Export Data > CSV" (numeric values): three header rows, CRLF, comma. */
export const QUALTRICS_COLUMNS: readonly (readonly [id: string, question: string, importId: string])[] = [
  ["StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Amsterdam"}'],
  ["EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Amsterdam"}'],
  ["Status", "Response Type", '{"ImportId":"status"}'],
  ["IPAddress", "IP Address", '{"ImportId":"ipAddress"}'],
  ["Progress", "Progress", '{"ImportId":"progress"}'],
  ["Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'],
  ["Finished", "Finished", '{"ImportId":"finished"}'],
  ["RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Amsterdam"}'],
  ["ResponseId", "Response ID", '{"ImportId":"_recordId"}'],
  ["RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'],
  ["RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'],
  ["RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'],
  ["ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'],
  ["LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'],
  ["LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'],
  ["DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'],
  ["UserLanguage", "User Language", '{"ImportId":"userLanguage"}'],
  ["Q1", "Hoe waarschijnlijk is het dat u ons aanbeveelt aan vrienden of familie?", '{"ImportId":"QID1"}'],
  ["Q1_NPS_GROUP", "Hoe waarschijnlijk is het dat u ons aanbeveelt aan vrienden of familie? - Group", '{"ImportId":"QID1_NPS_GROUP"}'],
  ["Q2", "Wat is de belangrijkste reden voor uw score?", '{"ImportId":"QID2_TEXT"}'],
  ["Q3_1", "Hoe beoordeelt u ons op de volgende punten? (0-10) - Proces", '{"ImportId":"QID3_1"}'],
  ["Q3_2", "Hoe beoordeelt u ons op de volgende punten? (0-10) - Product & prijs", '{"ImportId":"QID3_2"}'],
  ["Q3_3", "Hoe beoordeelt u ons op de volgende punten? (0-10) - Reputatie & imago", '{"ImportId":"QID3_3"}'],
  ["Q3_4", "Hoe beoordeelt u ons op de volgende punten? (0-10) - Emotionele betrokkenheid", '{"ImportId":"QID3_4"}'],
  ["Q4_1", "In hoeverre bent u het eens met de volgende uitspraken? (0-10) - Ik ben tevreden over deze organisatie", '{"ImportId":"QID4_1"}'],
  ["Q4_2", "In hoeverre bent u het eens met de volgende uitspraken? (0-10) - Ik heb vertrouwen in deze organisatie", '{"ImportId":"QID4_2"}'],
  ["Q4_3", "In hoeverre bent u het eens met de volgende uitspraken? (0-10) - Ik voel me verbonden met deze organisatie", '{"ImportId":"QID4_3"}'],
  ["Q5", "Hoe tevreden bent u over het contact met ons? (1-5)", '{"ImportId":"QID5"}'],
  ["Q6", "De organisatie maakte het mij makkelijk om mijn vraag af te handelen. (1-7)", '{"ImportId":"QID6"}'],
  ["survey_type", "survey_type", '{"ImportId":"survey_type"}'],
  ["touchpoint", "touchpoint", '{"ImportId":"touchpoint"}'],
  ["channel", "channel", '{"ImportId":"channel"}'],
  ["segment", "segment", '{"ImportId":"segment"}'],
  ["business_unit", "business_unit", '{"ImportId":"business_unit"}'],
  ["account_manager", "account_manager", '{"ImportId":"account_manager"}'],
];

export const npsGroup = (score: number): string => (score >= 9 ? "Promoter" : score >= 7 ? "Passive" : "Detractor");

function qualtrics(clock: Clock, phrases: PhraseBook): RowFormat {
  const q = (v: string): string => quoteField(v, ",");
  const row = (i: 0 | 1 | 2): string => QUALTRICS_COLUMNS.map((c) => q(c[i])).join(",") + "\r\n";
  const reasons = phrases.entries.map((e) => q(e.text));
  const groups = SCORE.map((_, s) => npsGroup(s));
  const managers = ACCOUNT_MANAGERS.map(q);
  // Answers to link invitations (web, app) carry no e-mail distribution.
  const distribution = CHANNELS.map((c) => (c === "web" || c === "app" ? "anonymous" : "email"));
  return {
    extension: ".csv",
    header: row(0) + row(1) + row(2),
    headerLines: 3,
    line(r: ResponseRow): string {
      const d = r.drivers;
      const k = r.krs;
      const end = r.timeText ?? clock.formatAmsterdam(r.t);
      const start = r.timeText ?? clock.formatAmsterdam(r.t - r.duration);
      // Responses are anonymised (no IP, location or recipient), as usual under the GDPR.
      return (
        start + "," + end + ",IP Address,,100," + r.duration + ",True," + end + "," +
        (r.idText ?? r.id) + ",,,," + r.customerId + ",,," + distribution[r.channel] + "," +
        (r.language === 0 ? "NL" : "EN") + "," +
        (r.scoreText ?? SCORE[r.recommend]) + "," + (r.scoreText === null ? groups[r.recommend] : "") + "," +
        (r.reason < 0 ? "" : reasons[r.reason]) + "," +
        score(d[0]!) + "," + score(d[1]!) + "," + score(d[2]!) + "," + score(d[3]!) + "," +
        score(k[0]!) + "," + score(k[1]!) + "," + score(k[2]!) + "," +
        score(r.csat) + "," + score(r.ces) + "," +
        (r.relationship ? "relationship" : "touchpoint") + "," +
        (r.touchpoint < 0 ? "" : TOUCHPOINTS[r.touchpoint]!.code) + "," +
        CHANNELS[r.channel] + "," + SEGMENTS[r.segment] + "," + BUSINESS_UNITS[r.unit] + "," +
        (r.manager < 0 ? "" : managers[r.manager]) + "\r\n"
      );
    },
  };
}
