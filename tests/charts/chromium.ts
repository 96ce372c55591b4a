/** Headless Debian chromium through playwright-core, for rendering tests of SVG charts and the
 * embed component. Skips (with the reason printed) only where /usr/bin/chromium is absent. */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env["PROMOTOR_CHROMIUM"] ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const noChromiumReason = `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the rendering tests`;

export interface Headless {
  browser: Browser;
  close(): Promise<void>;
}

/** playwright-core gives every launch a fresh temporary profile (it refuses --user-data-dir). */
export async function launchChromium(): Promise<Headless> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 60_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
