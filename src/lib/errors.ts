/** An error meant for people: what went wrong, where, and what to do about it. */
export class PromotorError extends Error {
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** 1-based column (character position) on the line, where one is known. */
  readonly column: number | undefined;
  readonly exitCode: number;

  constructor(
    message: string,
    options: { hint?: string; file?: string; line?: number; column?: number; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromotorError";
    this.hint = options.hint;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    // Exit codes (README "Exit codes"): 2 = the input or the environment (this class's
    // default: an error meant for people says what to change), 3 = a component this machine
    // lacks, 130/143 = interrupted; 1 is left for the unexpected, i.e. bugs.
    this.exitCode = options.exitCode ?? 2;
  }

  /** "file:line[:column]: message\n  fix: hint" */
  describe(): string {
    const at = this.line !== undefined ? `:${this.line}${this.column !== undefined ? `:${this.column}` : ""}` : "";
    const where = this.file ? `${this.file}${at}: ` : "";
    return `${where}${this.message}${this.hint ? `\n  fix: ${this.hint}` : ""}`;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof PromotorError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
