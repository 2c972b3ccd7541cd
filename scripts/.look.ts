import { launchBrowser } from '../test/e2e/browser.ts';
const base = 'http://127.0.0.1:4555';
const b = await launchBrowser();
const p = await b.context.newPage();
p.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') console.log('console', m.type(), m.text().slice(0, 300));
});
p.on('pageerror', (e) => console.log('pageerror', e.message));
await p.goto(base);
await p.screenshot({ path: '/tmp/s-signin.png' });
await p.getByRole('tab', { name: 'API key' }).click();
await p.getByLabel('API key').fill('tg_dev_probe_0123456789');
await p.getByRole('button', { name: 'Sign in' }).click();
await p.getByTestId('who').waitFor();
await p.waitForTimeout(1500);
await p.screenshot({ path: '/tmp/s-home.png' });
for (const path of process.argv.slice(2)) {
  await p.goto(base + path);
  await p.waitForTimeout(3000);
  await p.screenshot({ path: `/tmp/s-${path.replace(/[^a-z]/g, '').slice(0, 12)}.png` });
}
await b.close();
