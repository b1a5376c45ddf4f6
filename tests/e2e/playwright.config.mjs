// Playwright config for the end-to-end tier. Run it through `cargo xtask test e2e`,
// which builds the release bundle, starts checkout-server on a free loopback
// port and sets BASE_URL and SECRET_KEY.
//
// The browser is Debian's /usr/bin/chromium: Playwright's own browser
// downloads cannot work here (the network reaches package registries only),
// so never run `npx playwright install`.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('BASE_URL is not set: run the e2e tier with `cargo xtask test e2e`');
}

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.mjs',
  // Relative to this file: keeps artifacts under the git-ignored target/.
  outputDir: '../../target/e2e/results',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL,
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // The TOOLCHAIN.md launch flags; Playwright adds the headless switch itself.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
