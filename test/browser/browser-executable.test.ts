/**
 * The browser resolver: `HCC_CDS_BROWSER=packaged` really hides the system chromium, the packaged Chromium
 * (extracted from the npm package, with its own libraries) launches and renders a page, and a misspelt route is
 * refused rather than silently ignored.
 */
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { BROWSER_ROUTE_VARIABLE, SYSTEM_CHROMIUM, resolveBrowser, type BrowserLaunch } from '../support/browser-executable';

function withRoute<T>(value: string | undefined, run: () => T): T {
  const before = process.env[BROWSER_ROUTE_VARIABLE];
  if (value === undefined) delete process.env[BROWSER_ROUTE_VARIABLE];
  else process.env[BROWSER_ROUTE_VARIABLE] = value;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env[BROWSER_ROUTE_VARIABLE];
    else process.env[BROWSER_ROUTE_VARIABLE] = before;
  }
}

async function renders(launch: BrowserLaunch): Promise<string> {
  const browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args, env: launch.env });
  try {
    const page = await browser.newPage();
    await page.setContent('<main lang="zh-CN"><h1 id="t">肝细胞癌 HCC</h1><p id="w"></p><script>document.getElementById("w").textContent = String(innerWidth > 0)</script></main>');
    return `${await page.textContent('#t')}|${await page.textContent('#w')}|${browser.version()}`;
  } finally {
    await browser.close();
  }
}

describe('browser executable resolver', () => {
  it('packaged: ignores the system chromium and launches the Chromium the npm package ships', async () => {
    const launch = withRoute('packaged', resolveBrowser);
    expect(launch.route).toBe('packaged');
    expect(launch.executablePath).not.toBe(SYSTEM_CHROMIUM);
    expect(existsSync(launch.executablePath)).toBe(true);
    expect(launch.env['LD_LIBRARY_PATH']).toMatch(/al2023[/\\]lib/);
    expect(await renders(launch)).toMatch(/^肝细胞癌 HCC\|true\|\d+\./);
  }, 60_000);

  it('auto: the system chromium when installed, else the packaged one', () => {
    const launch = withRoute(undefined, resolveBrowser);
    expect(launch.route).toBe(existsSync(SYSTEM_CHROMIUM) ? 'system' : 'packaged');
  });

  it('system: demanded and present launches it, demanded and absent says how to install it', async () => {
    if (existsSync(SYSTEM_CHROMIUM)) {
      const launch = withRoute('system', resolveBrowser);
      expect(launch.executablePath).toBe(SYSTEM_CHROMIUM);
      expect(await renders(launch)).toMatch(/^肝细胞癌 HCC\|true\|/);
    } else {
      expect(() => withRoute('system', resolveBrowser)).toThrow(/apt-get install -y chromium/);
    }
  }, 60_000);

  it('refuses an unknown route', () => {
    expect(() => withRoute('chrome', resolveBrowser)).toThrow(/expected auto, system or packaged/);
  });
});
