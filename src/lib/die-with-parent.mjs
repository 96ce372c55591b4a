// Loaded with `node --import` into every Node child promotor starts (the CLI under its launcher,
// Evidence's build, probes): the child ends when its parent dies, even by SIGKILL, instead of
// running on without anyone to read its output (issue 27). Plain JavaScript: it runs in
// processes that have no TypeScript loader. A parent's death shows as a changed ppid (the child
// is re-parented to init or a subreaper).
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid === parent) return;
  try {
    // A detached child leads its own process group: take its children (Vite's workers) along.
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // Not a group leader.
  }
  process.kill(process.pid, "SIGKILL");
}, 250);
timer.unref();
