/** An error meant for people: what went wrong, where, and what to do about it. */
export class PromotorError extends Error {
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly exitCode: number;

  constructor(
    message: string,
    options: { hint?: string; file?: string; line?: number; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromotorError";
    this.hint = options.hint;
    this.file = options.file;
    this.line = options.line;
    this.exitCode = options.exitCode ?? 1;
  }

  /** "file:line: message\n  fix: hint" */
  describe(): string {
    const where = this.file ? `${this.file}${this.line !== undefined ? `:${this.line}` : ""}: ` : "";
    return `${where}${this.message}${this.hint ? `\n  fix: ${this.hint}` : ""}`;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof PromotorError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
