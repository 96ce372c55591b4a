import { DuckDBInstance } from "@duckdb/node-api";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv, toObjects } from "./csv.ts";
import { run } from "./run.ts";

// Written out here on purpose: the layouts other code relies on, not imported from src.
const CANONICAL =
  "response_id,customer_id,answered_at,survey_type,touchpoint,channel,language,segment,business_unit,account_manager," +
  "recommend_score,recommend_reason,driver_process,driver_product_price,driver_reputation_image,driver_emotional_engagement," +
  "krs_satisfaction,krs_trust,krs_love,csat,ces";
const QUALTRICS =
  "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,RecipientLastName," +
  "RecipientFirstName,RecipientEmail,ExternalReference,LocationLatitude,LocationLongitude,DistributionChannel,UserLanguage," +
  "Q1,Q1_NPS_GROUP,Q2,Q3_1,Q3_2,Q3_3,Q3_4,Q4_1,Q4_2,Q4_3,Q5,Q6,survey_type,touchpoint,channel,segment,business_unit,account_manager";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const N = 4000;

function lineEnds(text: string): { lf: number; crlf: number } {
  return { lf: text.split("\n").length - 1, crlf: text.split("\r\n").length - 1 };
}

describe("csv (canonical)", () => {
  it("has the canonical header, N records of 21 fields, LF line ends, no BOM", async () => {
    const s = await run({ responses: N });
    const text = readFileSync(s.files[0]!.path, "utf8");
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(lineEnds(text)).toEqual({ lf: N + 1, crlf: 0 });
    const { records } = parseCsv(text, ",");
    expect(records[0]!.join(",")).toBe(CANONICAL);
    expect(records).toHaveLength(N + 1);
    expect(records.every((r) => r.length === 21)).toBe(true);
    const rows = toObjects(records);
    expect(new Set(rows.map((r) => r["response_id"])).size).toBe(N);
    expect(rows.every((r) => /^R_[0-9a-z]{11}$/.test(r["response_id"]!))).toBe(true);
    expect(rows.every((r) => ISO.test(r["answered_at"]!))).toBe(true);
    expect(rows.every((r) => r["answered_at"]! >= "2025-01-01T00:00:00" && r["answered_at"]! <= "2026-10-31T23:59:59")).toBe(true);
    // Quoting: a reason with a comma round-trips through the parser as one field.
    expect(rows.some((r) => r["recommend_reason"]!.includes(",") && r["recommend_reason"]!.length > 10)).toBe(true);
    expect(rows.some((r) => r["recommend_reason"]!.includes('"super"'))).toBe(true);
    expect(s.rows).toBe(N);
  });

  it("keeps timestamps inside a custom --start/--end", async () => {
    const s = await run({ responses: 2000, start: "2026-02-01", end: "2026-02-28" });
    const rows = toObjects(parseCsv(readFileSync(s.files[0]!.path, "utf8"), ",").records);
    expect(rows.every((r) => r["answered_at"]!.startsWith("2026-02-"))).toBe(true);
  });
});

describe("excel-nl", () => {
  it("starts with a UTF-8 BOM, separates with ';', ends lines with CRLF", async () => {
    const s = await run({ responses: N, format: "excel-nl" });
    const bytes = readFileSync(s.files[0]!.path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(lineEnds(text)).toEqual({ lf: N + 1, crlf: N + 1 });
    const { records } = parseCsv(text, ";");
    expect(records[0]!.join(",")).toBe(CANONICAL);
    expect(records).toHaveLength(N + 1);
    expect(records.every((r) => r.length === 21)).toBe(true);
    // A reason holding ';' is quoted, so it stays one field.
    expect(records.some((r) => r[11]!.includes(";"))).toBe(true);
    expect(records.some((r) => r[11]!.includes("€"))).toBe(true);
  });
});

describe("qualtrics", () => {
  it("has three header rows (ids, question texts, ImportId JSON) and N data records", async () => {
    const s = await run({ responses: N, format: "qualtrics" });
    const text = readFileSync(s.files[0]!.path, "utf8");
    expect(lineEnds(text)).toEqual({ lf: N + 3, crlf: N + 3 });
    const { records } = parseCsv(text, ",");
    expect(records).toHaveLength(N + 3);
    expect(records[0]!.join(",")).toBe(QUALTRICS);
    expect(records[1]![17]).toBe("Hoe waarschijnlijk is het dat u ons aanbeveelt aan vrienden of familie?");
    const importIds = records[2]!.map((cell) => JSON.parse(cell) as { ImportId: string; timeZone?: string });
    expect(importIds[0]).toEqual({ ImportId: "startDate", timeZone: "Europe/Amsterdam" });
    expect(importIds[17]).toEqual({ ImportId: "QID1" });
    expect(importIds[18]).toEqual({ ImportId: "QID1_NPS_GROUP" });
    expect(records.every((r) => r.length === 35)).toBe(true);
  });

  it("has an NPS group consistent with Q1 and Qualtrics-style metadata", async () => {
    const s = await run({ responses: N, format: "qualtrics" });
    const records = parseCsv(readFileSync(s.files[0]!.path, "utf8"), ",").records;
    const rows = toObjects([records[0]!, ...records.slice(3)]);
    const groups = { Promoter: 0, Passive: 0, Detractor: 0 };
    for (const r of rows) {
      const q1 = Number(r["Q1"]);
      const expected = q1 >= 9 ? "Promoter" : q1 >= 7 ? "Passive" : "Detractor";
      expect(r["Q1_NPS_GROUP"]).toBe(expected);
      groups[expected]++;
      expect(r["Status"]).toBe("IP Address");
      expect(r["Finished"]).toBe("True");
      expect(r["Progress"]).toBe("100");
      expect(r["RecordedDate"]).toBe(r["EndDate"]);
      expect(r["StartDate"]! <= r["EndDate"]!).toBe(true);
      expect(r["RecordedDate"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(["NL", "EN"]).toContain(r["UserLanguage"]);
      expect(r["ExternalReference"]).toMatch(/^C\d{7}$/);
    }
    expect(Math.min(groups.Promoter, groups.Passive, groups.Detractor)).toBeGreaterThan(N / 10);
  });

  it("writes the same responses as the canonical csv, in Europe/Amsterdam wall-clock time", async () => {
    const csv = await run({ responses: 1500 });
    const qx = await run({ responses: 1500, format: "qualtrics" });
    const a = toObjects(parseCsv(readFileSync(csv.files[0]!.path, "utf8"), ",").records);
    const qr = parseCsv(readFileSync(qx.files[0]!.path, "utf8"), ",").records;
    const b = toObjects([qr[0]!, ...qr.slice(3)]);
    const amsterdam = (iso: string): string => new Date(iso + "Z").toLocaleString("sv-SE", { timeZone: "Europe/Amsterdam" });
    expect(b).toHaveLength(a.length);
    a.forEach((r, i) => {
      const q = b[i]!;
      expect(q["ResponseId"]).toBe(r["response_id"]);
      expect(q["ExternalReference"]).toBe(r["customer_id"]);
      expect(q["RecordedDate"]).toBe(amsterdam(r["answered_at"]!));
      expect(q["Q1"]).toBe(r["recommend_score"]);
      expect(q["Q2"]).toBe(r["recommend_reason"]);
      expect([q["Q3_1"], q["Q3_2"], q["Q3_3"], q["Q3_4"]]).toEqual([r["driver_process"], r["driver_product_price"], r["driver_reputation_image"], r["driver_emotional_engagement"]]);
      expect([q["Q4_1"], q["Q4_2"], q["Q4_3"], q["Q5"], q["Q6"]]).toEqual([r["krs_satisfaction"], r["krs_trust"], r["krs_love"], r["csat"], r["ces"]]);
      expect(q["UserLanguage"]!.toLowerCase()).toBe(r["language"]);
      expect([q["survey_type"], q["touchpoint"], q["channel"], q["segment"], q["business_unit"], q["account_manager"]]).toEqual([
        r["survey_type"], r["touchpoint"], r["channel"], r["segment"], r["business_unit"], r["account_manager"],
      ]);
    });
  });
});

describe("parquet", () => {
  it("is typed (SMALLINT scores, TIMESTAMP answered_at) and holds the same rows as the csv", async () => {
    const csv = await run({ responses: N });
    const pq = await run({ responses: N, format: "parquet" });
    expect(pq.files[0]!.path.endsWith("responses.parquet")).toBe(true);
    const rows = toObjects(parseCsv(readFileSync(csv.files[0]!.path, "utf8"), ",").records);
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
      const path = pq.files[0]!.path.replaceAll("'", "''");
      const types = (await con.runAndReadAll(`DESCRIBE SELECT * FROM '${path}'`)).getRowObjectsJS();
      const typeOf = Object.fromEntries(types.map((t) => [String(t["column_name"]), String(t["column_type"])]));
      expect(Object.keys(typeOf).join(",")).toBe(CANONICAL);
      expect(typeOf["recommend_score"]).toBe("SMALLINT");
      expect(typeOf["ces"]).toBe("SMALLINT");
      expect(typeOf["answered_at"]).toBe("TIMESTAMP");
      expect(typeOf["response_id"]).toBe("VARCHAR");
      const agg = (
        await con.runAndReadAll(
          `SELECT count(*)::INTEGER AS n, sum(recommend_score)::INTEGER AS s, count(recommend_reason)::INTEGER AS reasons,
                  count(csat)::INTEGER AS csat, max(answered_at)::VARCHAR AS last FROM '${path}'`,
        )
      ).getRowObjectsJS()[0]!;
      expect(agg["n"]).toBe(N);
      expect(agg["s"]).toBe(rows.reduce((a, r) => a + Number(r["recommend_score"]), 0));
      expect(agg["reasons"]).toBe(rows.filter((r) => r["recommend_reason"] !== "").length);
      expect(agg["csat"]).toBe(rows.filter((r) => r["csat"] !== "").length);
      expect(agg["last"]).toBe(rows.map((r) => r["answered_at"]!).sort().pop()!.replace("T", " "));
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
