// Creates .venv with the pinned dbt-duckdb/duckdb (requirements.txt) so that `npm install`
// is the only setup step. Skipped when the venv already matches requirements.txt.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const venv = join(root, ".venv");
const requirements = join(root, "requirements.txt");
const stamp = join(venv, ".promotor-requirements");
const wanted = createHash("sha256").update(readFileSync(requirements)).digest("hex");

if (process.env.PROMOTOR_SKIP_PYTHON === "1") {
  console.log("promotor: PROMOTOR_SKIP_PYTHON=1, not creating .venv");
  process.exit(0);
}
if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === wanted) {
  console.log("promotor: .venv is up to date with requirements.txt");
  process.exit(0);
}

const python = process.env.PYTHON ?? "python3";
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit", cwd: root });
try {
  console.log(`promotor: creating Python virtual environment in .venv (${python})`);
  if (!existsSync(join(venv, "bin", "python"))) run(python, ["-m", "venv", venv]);
  const pip = join(venv, "bin", "pip");
  run(pip, ["install", "--disable-pip-version-check", "--quiet", "--timeout", "30", "-r", requirements]);
  writeFileSync(stamp, wanted + "\n");
  console.log("promotor: .venv ready (dbt-duckdb + duckdb pinned in requirements.txt)");
} catch (error) {
  console.error(
    `promotor: could not set up the Python environment in ${venv}.\n` +
      `  Needs python3 (>= 3.10) with the venv module and access to PyPI.\n` +
      `  Fix: install python3-venv, then run "npm run postinstall" again.\n  ${error.message}`,
  );
  process.exit(1);
}
