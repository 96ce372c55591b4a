/** A file written in big string chunks through a write stream, waiting for 'drain' when the
 * stream's buffer is full, so memory stays flat however many rows are generated. */

import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";

export class FileSink {
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  bytes = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 4 << 20 });
    this.stream.on("error", (error) => (this.failure = error));
  }

  /** Takes ownership of `chunk` (the caller must not reuse it). */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.once("error", reject);
      this.stream.end(() => resolve());
    });
  }
}
