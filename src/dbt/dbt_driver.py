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


def die_with_parent() -> None:
    """Ends this process the moment its parent (promotor's Node process) dies, even by SIGKILL.

    Without it, a killed `promotor build` left dbt running on for seconds (until its next write to
    the closed pipe), holding the warehouse's lock. A kill is safe for the warehouse: DuckDB
    commits per model, and an uncommitted transaction is rolled back when the file is next
    opened. Linux: PR_SET_PDEATHSIG; elsewhere a thread that watches the parent's pid.
    """
    parent = int(os.environ.get("PROMOTOR_PARENT_PID") or 0)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    else:
        import threading
        import time

        def watch() -> None:
            while True:
                if parent and os.getppid() != parent:
                    os._exit(137)
                time.sleep(0.5)

        threading.Thread(target=watch, daemon=True).start()
    # The parent may have died before prctl took effect.
    if parent and os.getppid() != parent:
        os._exit(137)


def main() -> int:
    die_with_parent()
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
    save_schemas = None
    cache_dir = os.environ.get("PROMOTOR_DBT_SCHEMA_CACHE")
    if cache_dir:
        try:
            save_schemas = cache_json_schemas(cache_dir)
        except Exception:  # noqa: BLE001 - a cache that cannot be set up only costs time
            pass
    try:
        result = dbtRunner().invoke(list(request["args"]))
        if save_schemas:
            save_schemas()
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


def cache_json_schemas(cache_dir: str):
    """Keeps on disk the JSON schemas that dbt validates its project, profile and configs with.

    mashumaro builds them from dbt's dataclasses in every process (~0.3-0.5 s of a build, on the
    critical path). They depend only on the installed packages, so the file is named after their
    versions. A file that cannot be read is ignored; schemas it lacks are built and, by the
    returned function (called once dbt has run), written back.
    """
    import functools
    import hashlib
    from importlib import metadata

    from dbt_common.dataclass_schema import dbtClassMixin

    packages = ["dbt-core", "dbt-common", "dbt-adapters", "dbt-duckdb", "mashumaro"]
    versions = [sys.version] + [f"{p}=={metadata.version(p)}" for p in packages]
    key = hashlib.sha256("\n".join(versions).encode()).hexdigest()[:16]
    path = os.path.join(cache_dir, f"json-schemas-{key}.json")
    try:
        with open(path, encoding="utf-8") as f:
            cache = json.load(f)
        if not isinstance(cache, dict):
            cache = {}
    except (OSError, ValueError):
        cache = {}
    build = dbtClassMixin.json_schema.__func__  # dbt's own (lru-cached) builder
    built = []

    def json_schema(cls):
        name = f"{cls.__module__}.{cls.__qualname__}"
        schema = cache.get(name)
        if not isinstance(schema, dict):
            schema = build(cls)
            cache[name] = schema
            built.append(name)
        return schema

    def save() -> None:
        if not built:
            return
        try:
            os.makedirs(cache_dir, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(cache, f)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    dbtClassMixin.json_schema = classmethod(functools.lru_cache(json_schema))
    return save


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
