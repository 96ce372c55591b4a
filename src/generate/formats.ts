/** Export layouts. Each turns a ResponseRow into one line of text by plain concatenation of
 * pre-escaped strings (the hot path of `promotor generate`). Layouts: docs/generate.md. */

import { CANONICAL_NAMES } from "../survey/canonical.ts";
import { encode, type ByteChunk } from "./bytes.ts";
import type { Clock } from "./clock.ts";
import type { PhraseBook } from "./reasons.ts";
import type { ResponseRow } from "./response.ts";
import { ACCOUNT_MANAGERS, BUSINESS_UNITS, CHANNELS, LANGUAGES, SEGMENTS, TOUCHPOINTS } from "./vocabulary.ts";

export const FORMATS = ["csv", "excel-nl", "qualtrics", "parquet"] as const;
export type FormatName = (typeof FORMATS)[number];

export interface RowFormat {
  /** File extension of the final files. */
  extension: string;
  /** Bytes at the top of every file (BOM and header rows). */
  header: Uint8Array;
  /** Physical lines of `header`. */
  headerLines: number;
  /** Appends one record, including its line end. */
  write(row: ResponseRow, out: ByteChunk): void;
}

/** RFC 4180 quoting: only when the field holds the separator, a quote or a line break. */
export function quoteField(value: string, sep: string): string {
  return value.includes(sep) || value.includes('"') || value.includes("\n") || value.includes("\r")
    ? '"' + value.replaceAll('"', '""') + '"'
    : value;
}

const SCORE: readonly Uint8Array[] = Array.from({ length: 11 }, (_, i) => encode(String(i)));
/** A 0–10 / 1–7 item, blank when not answered (-1). */
function item(out: ByteChunk, n: number): void {
  if (n >= 0) out.bytes(SCORE[n]!);
}
const T = 84; // "T"
const SPACE = 32;
const C = 67; // "C"

export function makeFormat(name: FormatName, clock: Clock, phrases: PhraseBook, idPrefix: string): RowFormat {
  switch (name) {
    case "csv":
    case "parquet": // parquet is written as canonical CSV first, then converted by DuckDB
      return canonical(",", "\n", "", clock, phrases, idPrefix, name === "parquet" ? ".parquet" : ".csv");
    case "excel-nl":
      return canonical(";", "\r\n", "\uFEFF", clock, phrases, idPrefix, ".csv");
    case "qualtrics":
      return qualtrics(clock, phrases, idPrefix);
  }
}

function canonical(sep: string, eol: string, bom: string, clock: Clock, phrases: PhraseBook, idPrefix: string, extension: string): RowFormat {
  const q = (v: string): string => quoteField(v, sep);
  const e = (v: string): Uint8Array => encode(q(v));
  const SEP = sep.charCodeAt(0);
  const EOL = encode(eol);
  const prefix = encode(idPrefix);
  const reasons = phrases.entries.map((p) => e(p.text));
  const types = [e("touchpoint"), e("relationship")];
  const touchpoints = TOUCHPOINTS.map((t) => e(t.code));
  const channels = CHANNELS.map(e);
  const languages = LANGUAGES.map(e);
  const segments = SEGMENTS.map(e);
  const units = BUSINESS_UNITS.map(e);
  const managers = ACCOUNT_MANAGERS.map(e);
  return {
    extension,
    header: encode(bom + CANONICAL_NAMES.map(q).join(sep) + eol),
    headerLines: 1,
    write(r: ResponseRow, out: ByteChunk): void {
      if (r.idText === null) {
        out.bytes(prefix);
        out.base36(r.idValue, 7);
      } else out.text(q(r.idText));
      out.byte(SEP);
      out.byte(C);
      out.decimal(r.customer + 1, 7);
      out.byte(SEP);
      if (r.timeText === null) clock.write(out, r.t, T);
      else out.text(q(r.timeText));
      out.byte(SEP);
      out.bytes(types[r.relationship ? 1 : 0]!);
      out.byte(SEP);
      if (r.touchpoint >= 0) out.bytes(touchpoints[r.touchpoint]!);
      out.byte(SEP);
      out.bytes(channels[r.channel]!);
      out.byte(SEP);
      out.bytes(languages[r.language]!);
      out.byte(SEP);
      out.bytes(segments[r.segment]!);
      out.byte(SEP);
      out.bytes(units[r.unit]!);
      out.byte(SEP);
      if (r.manager >= 0) out.bytes(managers[r.manager]!);
      out.byte(SEP);
      if (r.scoreText === null) out.bytes(SCORE[r.recommend]!);
      else out.text(q(r.scoreText));
      out.byte(SEP);
      if (r.reason >= 0) out.bytes(reasons[r.reason]!);
      const d = r.drivers;
      const k = r.krs;
      out.byte(SEP);
      item(out, d[0]!);
      out.byte(SEP);
      item(out, d[1]!);
      out.byte(SEP);
      item(out, d[2]!);
      out.byte(SEP);
      item(out, d[3]!);
      out.byte(SEP);
      item(out, k[0]!);
      out.byte(SEP);
      item(out, k[1]!);
      out.byte(SEP);
      item(out, k[2]!);
      out.byte(SEP);
      item(out, r.csat);
      out.byte(SEP);
      item(out, r.ces);
      out.bytes(EOL);
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

function qualtrics(clock: Clock, phrases: PhraseBook, idPrefix: string): RowFormat {
  const q = (v: string): string => quoteField(v, ",");
  const e = (v: string): Uint8Array => encode(q(v));
  const headerRow = (i: 0 | 1 | 2): string => QUALTRICS_COLUMNS.map((c) => q(c[i])).join(",") + "\r\n";
  const COMMA = 44;
  const prefix = encode(idPrefix);
  const reasons = phrases.entries.map((p) => e(p.text));
  const groups = Array.from({ length: 11 }, (_, s) => encode(npsGroup(s)));
  const managers = ACCOUNT_MANAGERS.map(e);
  const touchpoints = TOUCHPOINTS.map((t) => e(t.code));
  const channels = CHANNELS.map(e);
  const segments = SEGMENTS.map(e);
  const units = BUSINESS_UNITS.map(e);
  const types = [e("touchpoint"), e("relationship")];
  const languages = [encode("NL"), encode("EN")];
  // Answers to link invitations (web, app) carry no e-mail distribution.
  const distribution = CHANNELS.map((c) => encode(c === "web" || c === "app" ? "anonymous" : "email"));
  // Responses are anonymised (no IP, location or recipient), as usual under the GDPR.
  const afterEnd = encode(",IP Address,,100,");
  const afterDuration = encode(",True,");
  const recipients = encode(",,,,");
  const location = encode(",,,");
  const crlf = encode("\r\n");
  const stamp = (out: ByteChunk, r: ResponseRow, t: number): void => {
    if (r.timeText === null) clock.write(out, t + clock.amsterdamOffset(t), SPACE);
    else out.text(q(r.timeText));
  };
  return {
    extension: ".csv",
    header: encode(headerRow(0) + headerRow(1) + headerRow(2)),
    headerLines: 3,
    write(r: ResponseRow, out: ByteChunk): void {
      stamp(out, r, r.t - r.duration);
      out.byte(COMMA);
      stamp(out, r, r.t);
      out.bytes(afterEnd);
      out.decimal(r.duration, 1);
      out.bytes(afterDuration);
      stamp(out, r, r.t);
      out.byte(COMMA);
      if (r.idText === null) {
        out.bytes(prefix);
        out.base36(r.idValue, 7);
      } else out.text(q(r.idText));
      out.bytes(recipients);
      out.byte(C);
      out.decimal(r.customer + 1, 7);
      out.bytes(location);
      out.bytes(distribution[r.channel]!);
      out.byte(COMMA);
      out.bytes(languages[r.language]!);
      out.byte(COMMA);
      if (r.scoreText === null) {
        out.bytes(SCORE[r.recommend]!);
        out.byte(COMMA);
        out.bytes(groups[r.recommend]!);
      } else {
        out.text(q(r.scoreText));
        out.byte(COMMA);
      }
      out.byte(COMMA);
      if (r.reason >= 0) out.bytes(reasons[r.reason]!);
      const d = r.drivers;
      const k = r.krs;
      for (let i = 0; i < 4; i++) {
        out.byte(COMMA);
        item(out, d[i]!);
      }
      for (let i = 0; i < 3; i++) {
        out.byte(COMMA);
        item(out, k[i]!);
      }
      out.byte(COMMA);
      item(out, r.csat);
      out.byte(COMMA);
      item(out, r.ces);
      out.byte(COMMA);
      out.bytes(types[r.relationship ? 1 : 0]!);
      out.byte(COMMA);
      if (r.touchpoint >= 0) out.bytes(touchpoints[r.touchpoint]!);
      out.byte(COMMA);
      out.bytes(channels[r.channel]!);
      out.byte(COMMA);
      out.bytes(segments[r.segment]!);
      out.byte(COMMA);
      out.bytes(units[r.unit]!);
      out.byte(COMMA);
      if (r.manager >= 0) out.bytes(managers[r.manager]!);
      out.bytes(crlf);
    },
  };
}
