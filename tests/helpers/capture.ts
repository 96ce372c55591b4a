import { Writable } from "node:stream";

/** stdout and stderr for an in-process CLI run (src/cli/main.ts), collected as text. */
export function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    io: {
      stdout: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }),
      stderr: new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) }),
    },
    out: () => out,
    err: () => err,
  };
}
