/** Customer ledger exports through the shared dataset pipeline (src/ingest/dataset.ts): every bad
 * row quarantined with file, line and reason and nothing loaded half, the count
 * rows_read = loaded + quarantined + duplicates, idempotence, versions of a later export (a
 * slowly changing dimension), replay after a mapping fix, presets, .xlsx, decimal comma and
 * currency, Windows-1252. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import writeXlsxFile from "write-excel-file/node";
import { CUSTOMERS } from "../../src/customers/spec.ts";
import { amountSql, asOfOf, ingestDataset, replayDataset } from "../../src/ingest/dataset.ts";
import { loadDatasetMapping } from "../../src/ingest/dataset-mapping.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { query, tempDir } from "../helpers/warehouse.ts";

const HEADER = "customer_id,customer_since,churned_at,annual_revenue,segment,acquired_via";

async function ingest(path: string, file: string, options: Parameters<typeof ingestDataset>[3] = {}) {
  const wh = await openWarehouse(path);
  try {
    return await ingestDataset(wh.connection, CUSTOMERS, file, options);
  } finally {
    wh.close();
  }
}

describe("customer ledger ingest", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = tempDir("promotor-customers-");
    path = join(dir, "w.duckdb");
  });

  it("loads good rows, quarantines each bad one with its line and reason, and the count holds", async () => {
    const file = join(dir, "customers-2026-06-30.csv");
    writeFileSync(
      file,
      [
        HEADER,
        "C1,2020-01-15,,1200.50,Particulier,Referral",
        'C2,2021-03-01,2026-05-01,"1,800.00",mkb,campaign',
        "C3,2022-07-01,,-10,particulier,branch",
        "C4,2023-01-01,2022-12-01,500,particulier,branch",
        "C5,2023-01-01,,12.5k,particulier,branch",
        'C6,2023-01-01,,"$ 1,200",particulier,branch',
        "C7,2024-02-30,,100,particulier,branch",
        "C1,2020-01-15,,1200.50,particulier,referral",
        "C8,2024-01-01,,100,particulier,branch",
        "C8,2024-01-01,,200,particulier,branch",
        ",2024-01-01,,100,particulier,branch",
        'C9,2024-01-01,,"€ 2,000",zakelijk,referral',
        "C10,2027-01-01,,100,particulier,branch",
        "C11,2024-01-01,,100,particulier",
      ].join("\n") + "\n",
    );
    const r = await ingest(path, file);
    expect(r.asOf).toBe("2026-06-30");
    expect(r.asOfSource).toBe("the file name");
    expect(r.rowsRead).toBe(14);
    expect(r.loaded + r.quarantined + r.duplicates).toBe(r.rowsRead);
    // C1 (the second C1 row holds the same values after lower-casing the codes: a duplicate), C2, C9
    expect(r.loaded).toBe(3);
    expect(r.duplicates).toBe(1);
    expect(r.quarantined).toBe(10);
    const loaded = await query(path, "SELECT customer_id, CAST(annual_revenue AS DOUBLE) AS revenue, segment, acquired_via, CAST(_as_of AS VARCHAR) AS as_of FROM raw.customers ORDER BY customer_id");
    expect(loaded).toEqual([
      { customer_id: "C1", revenue: 1200.5, segment: "particulier", acquired_via: "referral", as_of: "2026-06-30" },
      { customer_id: "C2", revenue: 1800, segment: "mkb", acquired_via: "campaign", as_of: "2026-06-30" },
      { customer_id: "C9", revenue: 2000, segment: "zakelijk", acquired_via: "referral", as_of: "2026-06-30" },
    ]);
    const q = await query(path, "SELECT source_line, record_key, reason FROM raw.quarantine WHERE dataset = 'customers' ORDER BY source_line");
    const byLine = new Map(q.map((x) => [Number(x["source_line"]), String(x["reason"])]));
    expect(byLine.get(4)).toBe("annual_revenue -10.00 is negative (a credit or a refund is not an annual revenue)");
    expect(byLine.get(5)).toBe("churned_at 2022-12-01 is before customer_since 2023-01-01");
    expect(byLine.get(6)).toMatch(/^annual_revenue '12\.5k' is not an amount in EUR with a decimal point/);
    expect(byLine.get(7)).toMatch(/^annual_revenue '\$ 1,200' is not an amount in EUR/);
    expect(byLine.get(8)).toMatch(/^customer_since '2024-02-30' is not a date/);
    expect(byLine.get(10)).toBe("customer_id C8 appears 2 times in this file with different values (rows 9, 10): which is right? fix the export and ingest it again");
    expect(byLine.get(11)).toBe(byLine.get(10));
    expect(byLine.get(12)).toBe("missing customer_id (required)");
    expect(byLine.get(14)).toBe("customer_since 2027-01-01 is after the export's date 2026-06-30 (--as-of)");
    expect(byLine.get(15)).toMatch(/^malformed CSV record: too few fields/);
    expect(q.find((x) => Number(x["source_line"]) === 10)?.["record_key"]).toBe("C8");
    const [ingestion] = await query(path, "SELECT dataset, CAST(as_of AS VARCHAR) AS as_of, rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM raw.ingestions");
    expect(ingestion).toEqual({ dataset: "customers", as_of: "2026-06-30", rows_read: 14, rows_loaded: 3, rows_quarantined: 10, rows_duplicate: 1 });
    // The same file again changes nothing.
    const again = await ingest(path, file);
    expect(again.alreadyIngested?.ingestionId).toBe(1);
    expect(again.alreadyIngested?.quarantined).toBe(10);
    expect((await query(path, "SELECT count(*) AS n FROM raw.customers"))[0]?.["n"]).toBe(3);
  });

  it("a later export adds versions of changed customers only; the same date with other values is a conflict", async () => {
    const first = join(dir, "crm-2026-03-31.csv");
    writeFileSync(first, [HEADER, "C1,2020-01-15,,1000,particulier,referral", "C2,2021-01-01,,2000,mkb,campaign"].join("\n") + "\n");
    const later = join(dir, "crm-2026-06-30.csv");
    writeFileSync(later, [HEADER, "C1,2020-01-15,,1100,particulier,referral", "C2,2021-01-01,,2000,mkb,campaign", "C3,2026-05-01,,300,particulier,online"].join("\n") + "\n");
    const sameDay = join(dir, "crm-again-2026-06-30.csv");
    writeFileSync(sameDay, [HEADER, "C1,2020-01-15,,1200,particulier,referral", "C3,2026-05-01,,300,particulier,online"].join("\n") + "\n");
    expect((await ingest(path, first)).loaded).toBe(2);
    const r = await ingest(path, later);
    expect([r.loaded, r.duplicates, r.quarantined]).toEqual([2, 1, 0]);
    const s = await ingest(path, sameDay);
    expect([s.loaded, s.duplicates, s.quarantined]).toEqual([0, 1, 1]);
    const [conflict] = await query(path, "SELECT reason FROM raw.quarantine WHERE record_key = 'C1'");
    expect(conflict?.["reason"]).toBe(`customer_id C1 was loaded before from ${later} (row 1) with other values as of the same date`);
    const versions = await query(path, "SELECT customer_id, CAST(annual_revenue AS INTEGER) AS revenue, CAST(_as_of AS VARCHAR) AS as_of FROM raw.customers ORDER BY customer_id, _as_of");
    expect(versions).toEqual([
      { customer_id: "C1", revenue: 1000, as_of: "2026-03-31" },
      { customer_id: "C1", revenue: 1100, as_of: "2026-06-30" },
      { customer_id: "C2", revenue: 2000, as_of: "2026-03-31" },
      { customer_id: "C3", revenue: 300, as_of: "2026-06-30" },
    ]);
  });

  it("replays quarantined rows with a corrected mapping: the rows load, the count holds per file", async () => {
    const file = join(dir, "crm-2026-06-30.csv");
    writeFileSync(file, [HEADER, 'C1,15-01-2020,,"1.234,50",particulier,referral', "C2,2021-01-01,,2000,mkb,campaign"].join("\n") + "\n");
    const r = await ingest(path, file);
    expect([r.loaded, r.quarantined]).toEqual([1, 1]);
    const mapping = join(dir, "dutch.yaml");
    writeFileSync(mapping, `name: dutch crm\ndataset: customers\ncolumns: { ${CUSTOMERS.columns.map((c) => `${c.name}: ${c.name}`).join(", ")} }\ndate_format: [D-M-YYYY, YYYY-MM-DD]\ndecimal: comma\n`);
    const wh = await openWarehouse(path);
    let replayed;
    try {
      replayed = await replayDataset(wh.connection, CUSTOMERS, { mapping });
      // Again: nothing is left to change, nothing is recorded.
      expect(await replayDataset(wh.connection, CUSTOMERS, { mapping })).toEqual([]);
    } finally {
      wh.close();
    }
    expect(replayed).toEqual([{ file, replayIngestionId: 2, replayed: 1, loaded: 1, duplicates: 0, stillQuarantined: 0, notReplayable: 0 }]);
    expect(await query(path, "SELECT customer_id, CAST(customer_since AS VARCHAR) AS since, CAST(annual_revenue AS DOUBLE) AS revenue, CAST(_as_of AS VARCHAR) AS as_of FROM raw.customers WHERE customer_id = 'C1'")).toEqual([
      { customer_id: "C1", since: "2020-01-15", revenue: 1234.5, as_of: "2026-06-30" },
    ]);
    const counts = await query(path, "SELECT sum(rows_read) FILTER (WHERE replay_of IS NULL) AS read, sum(rows_loaded) AS loaded, sum(rows_quarantined) AS quarantined, sum(rows_duplicate) AS duplicates FROM raw.ingestions");
    expect(counts[0]).toEqual({ read: 2, loaded: 2, quarantined: 0, duplicates: 0 });
    expect((await query(path, "SELECT count(*) AS n FROM raw.quarantine WHERE resolved_by_ingestion IS NULL"))[0]?.["n"]).toBe(0);
  });

  it("reads a Salesforce accounts report (.xlsx, found by its columns) and a HubSpot export by their presets", async () => {
    const xlsx = join(dir, "accounts.xlsx");
    const header = ["Account ID", "Account Name", "Customer Since", "Churn Date", "Annual Revenue", "Type", "Account Source"].map((value) => ({ value }));
    await writeXlsxFile(
      [
        header,
        [{ value: "001A" }, { value: "Bakkerij Jansen" }, { value: "31-10-2020" }, null, { value: 125000.5 }, { value: "Customer - Direct" }, { value: "Partner Referral" }],
        [{ value: "001B" }, { value: "Garage Smit" }, { value: "02-01-2019" }, { value: "15-03-2026" }, { value: 48000 }, { value: "Customer - Channel" }, { value: "Web" }],
      ],
      {},
    ).toFile(xlsx);
    const r = await ingest(path, xlsx, { asOf: "2026-10-31" });
    expect(r.mapping).toBe("salesforce-accounts");
    expect([r.loaded, r.quarantined]).toEqual([2, 0]);
    expect(r.asOfSource).toBe("--as-of");
    const csv = join(dir, "hubspot-companies-export.csv");
    writeFileSync(csv, ["Record ID,Company name,Became a Customer Date,Churn Date,Annual Revenue,Type,Original Traffic Source", "9001,Acme,2024-03-15 10:22,,99000.00,Customer,Organic Search", "9002,Beta,(No value),,(No value),Customer,Referrals"].join("\n") + "\n");
    const h = await ingest(path, csv, { asOf: "2026-10-31" });
    expect(h.mapping).toBe("hubspot-companies");
    expect([h.loaded, h.quarantined]).toEqual([2, 0]);
    const rows = await query(path, "SELECT customer_id, CAST(customer_since AS VARCHAR) AS since, CAST(churned_at AS VARCHAR) AS churned, CAST(annual_revenue AS DOUBLE) AS revenue, segment, acquired_via FROM raw.customers ORDER BY customer_id");
    expect(rows).toEqual([
      { customer_id: "001A", since: "2020-10-31", churned: null, revenue: 125000.5, segment: "customer - direct", acquired_via: "partner referral" },
      { customer_id: "001B", since: "2019-01-02", churned: "2026-03-15", revenue: 48000, segment: "customer - channel", acquired_via: "web" },
      { customer_id: "9001", since: "2024-03-15", churned: null, revenue: 99000, segment: "customer", acquired_via: "organic search" },
      { customer_id: "9002", since: null, churned: null, revenue: null, segment: "customer", acquired_via: "referrals" },
    ]);
  });

  it("converts a Windows-1252 export and says so", async () => {
    const file = join(dir, "crm-2026-06-30.csv");
    writeFileSync(file, Buffer.from(`${HEADER}\nC1,2020-01-15,,1000,coöperatie,referral\n`, "latin1"));
    const r = await ingest(path, file);
    expect(r.loaded).toBe(1);
    expect(r.notices?.join(" ")).toMatch(/Windows-1252/);
    expect((await query(path, "SELECT segment FROM raw.customers"))[0]?.["segment"]).toBe("coöperatie");
  });

  it("amounts: decimal comma or point, thousands in groups of three, the organisation's currency only", async () => {
    const wh = await openWarehouse(":memory:");
    try {
      const comma = loadDatasetMapping(CUSTOMERS, writeMapping(dir, "decimal: comma"));
      const point = loadDatasetMapping(CUSTOMERS, writeMapping(dir, "decimal: point\ncurrency: usd"));
      const cases: [string, typeof comma, number | null][] = [
        ["1.234,56", comma, 1234.56], ["€ 1.234,56", comma, 1234.56], ["1234,5", comma, 1234.5], ["12 345,00 EUR", comma, 12345], ["1,234.56", comma, null],
        ["1.23", comma, null], ["$1,234.56", point, 1234.56], ["1,234.56 USD", point, 1234.56], ["1234", point, 1234], ["€ 12", point, null], ["1,23", point, null],
        ["-5", point, -5], ["abc", point, null],
      ];
      for (const [text, mapping, expected] of cases) {
        const [row] = await queryRows(wh.connection, `SELECT CAST(${amountSql(`'${text}'`, mapping)} AS DOUBLE) AS v`);
        expect(row?.["v"], text).toBe(expected);
      }
    } finally {
      wh.close();
    }
  });

  it("the export's date: --as-of, else the file name, else today; a wrong --as-of is refused", () => {
    expect(asOfOf("/x/customers-2026-01-31.csv", undefined)).toEqual({ asOf: "2026-01-31", source: "the file name" });
    expect(asOfOf("/x/customers.csv", "2025-12-31").asOf).toBe("2025-12-31");
    expect(asOfOf("/x/customers.csv", undefined, new Date("2026-12-06T10:00:00Z")).asOf).toBe("2026-12-06");
    expect(() => asOfOf("/x/customers.csv", "31-12-2025")).toThrow(/--as-of "31-12-2025" is not a date/);
  });

  it("a mapping for another dataset, an unknown currency or a bad decimal setting is refused with the key to fix", () => {
    expect(() => loadDatasetMapping(CUSTOMERS, writeMapping(dir, "currency: XYZ"))).toThrow(/currency "XYZ" is not known/);
    expect(() => loadDatasetMapping(CUSTOMERS, writeMapping(dir, "decimal: dot"))).toThrow(/decimal "dot" is neither comma nor point/);
    expect(() => loadDatasetMapping(CUSTOMERS, writeMapping(dir, "dataset: invitations"))).toThrow(/is for the dataset "invitations"/);
  });
});

let mappings = 0;
function writeMapping(dir: string, extra: string): string {
  const file = join(dir, `m${++mappings}.yaml`);
  writeFileSync(file, `${extra.startsWith("dataset:") ? "" : "dataset: customers\n"}columns: { customer_id: customer_id }\n${extra}\n`);
  return file;
}

describe("customer ledgers larger than DuckDB's memory", () => {
  it("ingests two exports of 300,000 customers each under a 200 MB limit: spilling, the second file too", async () => {
    // Found at 3 million customers: per-key lists and raw values for every row ran out of the
    // 1 GB limit, and the second file of one ingest failed because DuckDB refuses to set its temp
    // directory again after a spill. Here a tighter limit makes the same happen at 300,000.
    const dir = tempDir("promotor-customers-big-");
    const path = join(dir, "w.duckdb");
    const { execute } = await import("../helpers/warehouse.ts");
    await execute(path, `COPY (SELECT 'C' || lpad(CAST(i AS VARCHAR), 7, '0') AS customer_id, DATE '2020-01-01' + CAST(i % 1000 AS INTEGER) AS customer_since, NULL AS churned_at,
        round(100 + (i % 997) * 13.7, 2) AS annual_revenue, (['particulier', 'mkb', 'zakelijk'])[1 + i % 3] AS segment, 'campaign' AS acquired_via FROM range(300000) r(i))
      TO '${join(dir, "customers-2026-03-31.csv")}' (HEADER)`);
    await execute(path, `COPY (SELECT 'C' || lpad(CAST(i AS VARCHAR), 7, '0') AS customer_id, DATE '2020-01-01' + CAST(i % 1000 AS INTEGER) AS customer_since, NULL AS churned_at,
        round(100 + (i % 997) * 13.7 + CASE WHEN i % 2 = 0 THEN 50 ELSE 0 END, 2) AS annual_revenue, (['particulier', 'mkb', 'zakelijk'])[1 + i % 3] AS segment, 'campaign' AS acquired_via FROM range(300000) r(i))
      TO '${join(dir, "customers-2026-09-30.csv")}' (HEADER)`);
    vi.stubEnv("PROMOTOR_DUCKDB_MEMORY_LIMIT", "200MB");
    try {
      const wh = await openWarehouse(path);
      try {
        const first = await ingestDataset(wh.connection, CUSTOMERS, join(dir, "customers-2026-03-31.csv"));
        const second = await ingestDataset(wh.connection, CUSTOMERS, join(dir, "customers-2026-09-30.csv"));
        expect([first.rowsRead, first.loaded, first.quarantined]).toEqual([300_000, 300_000, 0]);
        // Every other customer's revenue changed: a new version; the rest unchanged.
        expect([second.rowsRead, second.loaded, second.duplicates, second.quarantined]).toEqual([300_000, 150_000, 150_000, 0]);
      } finally {
        wh.close();
      }
    } finally {
      vi.unstubAllEnvs();
    }
    expect((await query(path, "SELECT count(*) AS n FROM raw.customers"))[0]?.["n"]).toBe(450_000);
  }, 120_000);
});
