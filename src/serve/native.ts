/** Up-front check for Cube's native module (@cubejs-backend/native, Rust). The Cube server needs
 * it for its SQL API and result handling; without it `promotor serve` must stop within seconds
 * with a message that says what is missing, why, and what to do (DESIGN.md "This machine's limits"). */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { runChild } from "../lib/child.ts";
import { PromotorError } from "../lib/errors.ts";

export interface NativeProbe {
  available: boolean;
  /** First line of the loader's error, when unavailable. */
  detail?: string;
  /** Where the module's files are (or would be). */
  packageDir?: string;
  version?: string;
  elapsedMs: number;
}

const require = createRequire(import.meta.url);

function nativePackage(): { dir: string; version: string } | undefined {
  try {
    const pkg = require.resolve("@cubejs-backend/native/package.json");
    return { dir: dirname(pkg), version: (require(pkg) as { version: string }).version };
  } catch {
    return undefined;
  }
}

/** Loads the native module in a child process, so that a loader that crashes or hangs cannot take
 * `promotor serve` with it; gives up after `timeoutMs`. */
export async function probeCubeNative(timeoutMs = 15_000): Promise<NativeProbe> {
  const started = performance.now();
  const pkg = nativePackage();
  const script = "require('@cubejs-backend/native').loadNative(); process.stdout.write('ok')";
  const result = await runChild(process.execPath, ["-e", script], { timeoutMs, cwd: pkg ? dirname(dirname(pkg.dir)) : process.cwd() });
  const elapsedMs = performance.now() - started;
  const base = { elapsedMs, ...(pkg ? { packageDir: pkg.dir, version: pkg.version } : {}) };
  if (result.code === 0 && result.out === "ok") return { available: true, ...base };
  const line = result.timedOut
    ? `loading it did not finish within ${Math.round(timeoutMs / 1000)} s`
    : (/Error: (Unable to load @cubejs-backend\/native[^\n]*)/.exec(result.err)?.[1] ??
      result.err.trim().split("\n").find((l) => /^\w*Error/.test(l)) ??
      `exit code ${result.code}`);
  return { available: false, detail: line, ...base };
}

/** The release artifact Cube's postinstall would download for this machine. */
export function nativeArtifact(version: string, platform = process.platform, arch = process.arch): { name: string; url: string } {
  const libc = platform === "linux" ? "glibc" : "unknown";
  const name = `native-${platform}-${arch}-${libc}-fallback.tar.gz`;
  return { name, url: `https://github.com/cube-js/cube/releases/download/v${version}/${name}` };
}

/** What `promotor serve` says when the module is missing: the name, why, and two ways out. */
export function nativeMissingError(probe: NativeProbe): PromotorError {
  const version = probe.version ?? "1.7.43";
  const dir = probe.packageDir ?? join("node_modules", "@cubejs-backend", "native");
  const artifact = nativeArtifact(version);
  return new PromotorError(
    [
      `cannot start the Cube server: @cubejs-backend/native ${version} is missing (${probe.detail ?? "not loadable"}).`,
      "  why: it is Cube's Rust core, which Cube's REST and SQL API need. npm does not carry it: its",
      "       install script downloads it from GitHub releases, and where github.com is out of reach (as on",
      "       machines that reach only the npm, PyPI and Debian registries) npm installs Cube without it.",
      "  what still works here: promotor query, promotor charts, promotor pages, promotor token.",
    ].join("\n"),
    {
      exitCode: 3,
      hint: [
        `either run "npm install" (or "npm rebuild @cubejs-backend/native") on a machine with access to github.com,`,
        `       or copy the release artifact by hand: download ${artifact.url}`,
        `       and unpack it so that index.node lands in ${dir} (tar -xzf ${artifact.name} -C ${dir}),`,
        `       then run promotor serve again.`,
      ].join("\n"),
    },
  );
}
