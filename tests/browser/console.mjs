// The review console in real headless chromium (issue 7's Proof list).
// Started by crates/server/tests/console_browser.rs, which runs the server,
// creates the accounts and the cases, passes them here in the environment
// and checks the outcome in the store afterwards. Selectors and status codes
// are the console's contract (crates/server/src/console/).
//
// Order matters: the queue keys are tried while two cases wait; the login
// throttle runs last, since its failures also count against this address.
import { run, newContext, env, check, equal, contains, screenshot, writeResult } from './lib.mjs';

const base = env('OPENKYC_URL');
const reviewer1 = { email: env('OPENKYC_REVIEWER1_EMAIL'), password: env('OPENKYC_REVIEWER1_PASSWORD') };
const reviewer2 = { email: env('OPENKYC_REVIEWER2_EMAIL'), password: env('OPENKYC_REVIEWER2_PASSWORD') };
const senior = { email: env('OPENKYC_SENIOR_EMAIL'), password: env('OPENKYC_SENIOR_PASSWORD') };
const throttled = env('OPENKYC_THROTTLED_EMAIL');
const firstCase = env('OPENKYC_FIRST_CASE');
const duplicateCase = env('OPENKYC_DUPLICATE_CASE');
const rejectCase = env('OPENKYC_REJECT_CASE');
const expectImages = process.env.OPENKYC_EXPECT_IMAGES === '1';

// The reason codes asked for; another offered code is used (and reported)
// when the console does not offer these.
const RETRY_REASON = 'DOC_BLURRY';
const REJECT_REASON = 'DUPLICATE_DOCUMENT';
const RETRY_MESSAGE = 'Please photograph your passport again in daylight, without glare.';
const RETRY_NOTE = 'Same passport as the first account; asking for a clearer photo before deciding.';
const REJECT_NOTE = 'Passport already verified on another account.';

const casePath = (id) => `/console/cases/${id}`;

async function login(page, who) {
  await page.goto(`${base}/console/login`);
  await page.fill('form#login input[name=email]', who.email);
  await page.fill('form#login input[name=password]', who.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/console/login')), page.click('#login-submit')]);
  equal(new URL(page.url()).pathname, '/console', `${who.email} lands on the queue`);
}

/** Opens a case page and waits for its status line. */
async function openCase(page, id) {
  const response = await page.goto(`${base}${casePath(id)}`);
  equal(response.status(), 200, `GET ${casePath(id)}`);
  await page.locator('#case-status').waitFor();
}

async function caseStatus(page) {
  return (await page.locator('#case-status').innerText()).trim();
}

/**
 * Clicks a form's submit button and waits until the page that answers has
 * loaded (the URL often stays the same: a POST redirected back to the case).
 * Returns the answer to the POST.
 */
async function submit(page, button) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.frame() === page.mainFrame());
  await button.click();
  const [answer] = await Promise.all([posted, navigated]);
  await page.waitForLoadState('load');
  return answer;
}

/** Clicks the claim button and waits for the page that answers. */
async function claim(page) {
  await submit(page, page.locator('form#claim-form button#claim'));
}

/** The session's CSRF token, from any form of the page. */
async function csrfOf(page) {
  const token = await page.locator('input[name=csrf]').first().inputValue();
  check(token.length >= 16, 'the page carries a CSRF token');
  return token;
}

/** Ticks `preferred` in the dialog's reason list, or the first offered code. */
async function tickReason(form, preferred) {
  const boxes = form.locator('input[name=reason]');
  const offered = await boxes.evaluateAll((inputs) => inputs.map((input) => input.value));
  check(offered.length > 0, `${await form.getAttribute('id')} offers reason codes`);
  const code = offered.includes(preferred) ? preferred : offered[0];
  await form.locator(`input[name=reason][value="${code}"]`).check();
  return code;
}

/** Selected row's index in the queue, or -1. */
async function selectedRow(page) {
  return page
    .locator('table#queue tr.case')
    .evaluateAll((rows) => rows.findIndex((row) => row.classList.contains('selected')));
}

/** Presses a key with nothing focused, so the page's own handler gets it. */
async function pressOnPage(page, key) {
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  await page.keyboard.press(key);
}

await run('console', async (browser, step) => {
  const result = {};
  const first = await newContext(browser);
  const page1 = await first.newPage();

  await step('reviewer1 logs in and sees the duplicate case in the queue', async () => {
    await login(page1, reviewer1);
    await page1.locator('#counts').waitFor();
    const row = page1.locator(`table#queue tr.case[data-applicant="${duplicateCase}"]`);
    await row.waitFor();
    check((await row.locator('a.case-link').count()) === 1, 'the row links to the case');
    check((await row.locator('.sla').count()) === 1, 'the row shows the SLA');
    await page1.locator(`table#queue tr.case[data-applicant="${rejectCase}"]`).waitFor();
    check(
      (await page1.locator(`table#queue tr.case[data-applicant="${firstCase}"]`).count()) === 0,
      'the approved first applicant is not in the queue',
    );
    result.queue_screenshot = await screenshot(page1, 'console-queue.png');
  });

  await step('keys j and k move the queue selection, Enter opens the selected case', async () => {
    const rows = await page1.locator('table#queue tr.case').count();
    check(rows >= 2, `two cases wait (found ${rows})`);
    await pressOnPage(page1, 'j');
    const start = await selectedRow(page1);
    check(start >= 0, 'j selects a row');
    // Move away from the end the selection is at, then back.
    const [away, back, expected] = start < rows - 1 ? ['j', 'k', start + 1] : ['k', 'j', start - 1];
    await pressOnPage(page1, away);
    equal(await selectedRow(page1), expected, `${away} moves the selection`);
    check((await page1.locator('table#queue tr.case.selected').count()) === 1, 'one row is selected');
    await pressOnPage(page1, back);
    equal(await selectedRow(page1), start, `${back} moves it back`);
    const id = await page1.locator('table#queue tr.case.selected').getAttribute('data-applicant');
    await Promise.all([page1.waitForURL(`**${casePath(id)}`), pressOnPage(page1, 'Enter')]);
    await page1.locator('#case-status').waitFor();
    await page1.goto(`${base}/console`);
  });

  await step('reviewer1 opens the duplicate case from the queue and claims it', async () => {
    const link = page1.locator(`table#queue tr.case[data-applicant="${duplicateCase}"] a.case-link`);
    await Promise.all([page1.waitForURL(`**${casePath(duplicateCase)}`), link.click()]);
    contains(await caseStatus(page1), 'on_hold', 'the case waits for review');
    await claim(page1);
    contains(await page1.locator('#claimed-by').innerText(), 'you', 'the claim is reviewer1\'s');
  });

  await step('the case view shows both applicants, the checks and the images; screenshot', async () => {
    const holders = page1.locator('#duplicates a.holder');
    check((await holders.count()) >= 1, 'the other holder of the document is listed');
    equal(await holders.first().getAttribute('href'), casePath(firstCase), 'the holder link');
    await page1.locator('#fields').waitFor({ state: 'attached' });
    await page1.locator('#checks').waitFor({ state: 'attached' });
    await page1.locator('#audit').waitFor({ state: 'attached' });
    const images = page1.locator('img.upload');
    if (expectImages) {
      await page1.locator('img.upload[data-kind=front]').first().waitFor();
    }
    // Every image shown is loaded through the console (with the session).
    await page1.waitForFunction(() => [...document.querySelectorAll('img.upload')].every((img) => img.complete));
    const sizes = await images.evaluateAll((imgs) => imgs.map((img) => [img.getAttribute('src'), img.naturalWidth]));
    for (const [src, width] of sizes) {
      check(src.startsWith(`${casePath(duplicateCase)}/uploads/`), `image ${src} is served under the case`);
      check(width > 0, `image ${src} loaded`);
    }
    result.images = sizes.length;
    result.screenshot = await screenshot(page1, 'console-case.png');
  });

  await step('the holder link opens the first applicant\'s case, and back', async () => {
    await Promise.all([
      page1.waitForURL(`**${casePath(firstCase)}`),
      page1.locator('#duplicates a.holder').first().click(),
    ]);
    contains(await caseStatus(page1), 'approved', 'the first applicant was approved');
    await openCase(page1, duplicateCase);
    contains(await page1.locator('#claimed-by').innerText(), 'you', 'still claimed by reviewer1');
  });

  await step('reviewer1 asks for a retry: key r, a reason, a message and a note', async () => {
    await pressOnPage(page1, 'r');
    const dialog = page1.locator('dialog#retry-dialog');
    await page1.locator('dialog#retry-dialog[open]').waitFor();
    const form = dialog.locator('form#retry-form');
    result.retry_reason = await tickReason(form, RETRY_REASON);
    await form.locator('textarea[name=message]').fill(RETRY_MESSAGE);
    await form.locator('textarea[name=note]').fill(RETRY_NOTE);
    result.dialog_screenshot = await screenshot(page1, 'console-retry-dialog.png');
    await submit(page1, form.locator('#retry-submit'));
    await page1.locator('.flash.ok').waitFor();
    contains(await caseStatus(page1), 'retry', 'the case is sent back to the applicant');
    result.retry_message = RETRY_MESSAGE;
    result.retry_note = RETRY_NOTE;
  });

  const second = await newContext(browser);
  const page2 = await second.newPage();

  await step('reviewer1 claims the case to reject', async () => {
    await openCase(page1, rejectCase);
    await claim(page1);
    contains(await page1.locator('#claimed-by').innerText(), 'you', 'the claim is reviewer1\'s');
  });

  await step('reviewer2 cannot claim a case claimed by reviewer1, nor decide it', async () => {
    await login(page2, reviewer2);
    await openCase(page2, rejectCase);
    await claim(page2);
    contains(await page2.locator('.flash.error').innerText(), 'claimed by', 'the claim is refused');
    // The forms posted with reviewer2's valid CSRF token: only the missing
    // claim can refuse them, and what counts is that nothing changed.
    const csrf = await csrfOf(page2);
    for (const decision of ['approve', 'reject']) {
      const answer = await second.request.post(`${base}${casePath(rejectCase)}/${decision}`, {
        form: { csrf, reason: REJECT_REASON, note: 'reviewer2 tries to decide without the claim' },
        maxRedirects: 0,
      });
      console.log(`    ${decision} by reviewer2 without the claim: HTTP ${answer.status()}`);
      check(answer.status() !== 200 || (await answer.text()).includes('flash error'), `${decision} is not accepted`);
    }
    await openCase(page2, rejectCase);
    const status = await caseStatus(page2);
    contains(status, 'on_hold', 'reviewer2\'s decisions changed nothing');
    check(!status.includes('approved') && !status.includes('rejected'), `not decided by reviewer2: ${status}`);
    const votes = page2.locator('#rejection-votes');
    if ((await votes.count()) > 0) {
      check(!(await votes.innerText()).includes(reviewer2.email), 'reviewer2 has no rejection vote');
    }
  });

  await step('reviewer1\'s rejection under four eyes waits for a second person', async () => {
    await openCase(page1, rejectCase);
    await page1.locator('button#reject-open').click();
    const form = page1.locator('dialog#reject-dialog[open] form#reject-form');
    await form.waitFor();
    result.reject_reason = await tickReason(form, REJECT_REASON);
    await form.locator('textarea[name=note]').fill(REJECT_NOTE);
    await submit(page1, form.locator('#reject-submit'));
    contains(await page1.locator('.flash.ok').innerText(), 'second', 'a second reviewer or a senior is needed');
    await page1.locator('#rejection-votes').waitFor();
    contains(await caseStatus(page1), 'on_hold', 'the case is not rejected yet');
    // Hand the case over (the senior must be able to claim it).
    if ((await page1.locator('#claimed-by').count()) > 0) {
      const answer = await first.request.post(`${base}${casePath(rejectCase)}/release`, {
        form: { csrf: await csrfOf(page1) },
        maxRedirects: 0,
      });
      check(answer.status() < 400, `release: status ${answer.status()}`);
    }
  });

  const third = await newContext(browser);
  const page3 = await third.newPage();

  await step('the senior claims and rejects: final', async () => {
    await login(page3, senior);
    await openCase(page3, rejectCase);
    await page3.locator('#rejection-votes').waitFor();
    await claim(page3);
    contains(await page3.locator('#claimed-by').innerText(), 'you', 'the claim is the senior\'s');
    await page3.locator('button#reject-open').click();
    const form = page3.locator('dialog#reject-dialog[open] form#reject-form');
    await form.waitFor();
    const code = await tickReason(form, result.reject_reason);
    equal(code, result.reject_reason, 'the senior agrees on the reason');
    await form.locator('textarea[name=note]').fill('Agreed: final rejection.');
    await submit(page3, form.locator('#reject-submit'));
    await page3.locator('.flash.ok').waitFor();
    contains(await caseStatus(page3), 'rejected', 'the rejection is final');
  });

  await step('form posts without or with a wrong CSRF token are refused', async () => {
    const url = `${base}${casePath(duplicateCase)}/claim`;
    const missing = await first.request.post(url, { form: {}, maxRedirects: 0 });
    equal(missing.status(), 403, 'claim without csrf');
    contains(await missing.text(), 'CSRF', 'the refusal names CSRF');
    const wrong = await first.request.post(url, { form: { csrf: 'not-the-session-token' }, maxRedirects: 0 });
    equal(wrong.status(), 403, 'claim with a wrong csrf');
  });

  await step('the login form without its CSRF cookie or field is refused', async () => {
    const fresh = await newContext(browser);
    const credentials = { email: reviewer1.email, password: reviewer1.password };
    const bare = await fresh.request.post(`${base}/console/login`, { form: credentials, maxRedirects: 0 });
    equal(bare.status(), 403, 'login without the CSRF cookie and field');
    // The cookie (from the login page) without the field.
    const page = await fresh.newPage();
    await page.goto(`${base}/console/login`);
    const token = await page.locator('form#login input[name=csrf]').inputValue();
    const noField = await fresh.request.post(`${base}/console/login`, { form: credentials, maxRedirects: 0 });
    equal(noField.status(), 403, 'login with the cookie but no field');
    // The field without the cookie.
    const other = await newContext(browser);
    const noCookie = await other.request.post(`${base}/console/login`, {
      form: { ...credentials, csrf: token },
      maxRedirects: 0,
    });
    equal(noCookie.status(), 403, 'login with the field but no cookie');
    await other.close();
    await fresh.close();
  });

  await step('the sixth wrong password in a row is throttled', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      await page.goto(`${base}/console/login`);
      await page.fill('form#login input[name=email]', throttled);
      await page.fill('form#login input[name=password]', `wrong password ${attempt}`);
      const answer = await submit(page, page.locator('#login-submit'));
      const flash = await page.locator('.flash.error').innerText();
      if (attempt < 6) {
        check(answer.status() !== 429, `attempt ${attempt} is not throttled yet`);
        check(!flash.includes('Too many'), `attempt ${attempt} says the password is wrong`);
      } else {
        equal(answer.status(), 429, 'the sixth attempt');
        contains(flash, 'Too many', 'the throttled page says why');
      }
    }
    await context.close();
  });

  writeResult('console-result.json', result);
});
