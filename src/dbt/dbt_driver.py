"""Runs one dbt command in this Python process for `promotor build` (src/dbt/run.ts).

Started before the command is known, so that importing dbt (~1.5-2.5 s: dbt builds its
dataclass serialisers at import) overlaps the work Node does first (warehouse schema, test
scope). Protocol:

  stdin, one JSON line:  {"args": [...dbt arguments], "env": {...extra environment}}
                         (end of input without a line: exit 0 without running dbt)
  stdout / stderr:       dbt's own console output, as the `dbt` command prints it
  fd 3, one JSON line:   {"exitCode": n, "nodes": [{uniqueId, status, executionTime, message,
                         compiledCode (failed tests only)}]}

Exit codes as the `dbt` command: 0 success, 1 a node failed, 2 dbt itself failed. The process
ends with os._exit once the results are written: tearing down dbt's objects and the DuckDB
connection at interpreter exit took a few hundred milliseconds and decides nothing.
"""

import gc
import json
import os
import sys
import traceback


def main() -> int:
    # Importing dbt creates ~200,000 tracked objects (it builds its dataclass serialisers); the cyclic
    # garbage collector ran over them again and again: ~0.3 s of the import. Off while importing,
    # then what was imported is frozen out of later collections.
    gc.disable()
    from dbt.cli.main import dbtRunner  # the slow part, before the command arrives

    # What `dbt build` on DuckDB imports later on (~0.1 s), while waiting too.
    import dbt.adapters.duckdb.impl  # noqa: F401
    import dbt.compilation  # noqa: F401
    import dbt.task.build  # noqa: F401
    import duckdb  # noqa: F401

    gc.enable()
    gc.freeze()

    line = sys.stdin.readline()
    if not line.strip():
        return 0
    request = json.loads(line)
    os.environ.update({str(k): str(v) for k, v in (request.get("env") or {}).items()})
    nodes = []
    try:
        result = dbtRunner().invoke(list(request["args"]))
    except BaseException:  # noqa: BLE001 - reported to Node, which prints the output
        traceback.print_exc()
        report({"exitCode": 2, "nodes": nodes})
        return 2
    run = result.result
    for r in getattr(run, "results", None) or []:
        node = getattr(r, "node", None)
        status = str(getattr(r.status, "value", r.status))
        nodes.append(
            {
                "uniqueId": getattr(node, "unique_id", ""),
                "status": status,
                "executionTime": float(r.execution_time or 0),
                "message": r.message,
                # A failed test's SQL as it ran, so that the caller can show the failing rows.
                "compiledCode": getattr(node, "compiled_code", None) if status == "fail" else None,
            }
        )
    if result.exception is not None:
        print(str(result.exception), file=sys.stderr)
    code = 0 if result.success else (2 if result.exception is not None else 1)
    report({"exitCode": code, "nodes": nodes})
    return code


def report(payload: dict) -> None:
    with os.fdopen(3, "w", encoding="utf-8") as out:
        out.write(json.dumps(payload) + "\n")


if __name__ == "__main__":
    code = 2
    try:
        code = main()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
