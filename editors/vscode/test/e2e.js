// Drives code-server through Chromium for test/e2e.sh: opens the post-deployment script of
// the Payroll copy, waits for the server's findings in the Problems panel, hovers the
// EXECUTE AS finding, applies the "Add REVERT" quick fix and waits for the finding to go.
// Each step takes a screenshot into ARTIFACTS; any failure exits with status 1, naming the
// step and what was missing, after a screenshot of the screen as it was.
//
// Then it restarts the server with the extension's command, and last points
// `sqlwarden.path` at a missing file to see the error that names the setting.
//
// Environment: PORT (code-server on 127.0.0.1), WS (the workspace folder), ARTIFACTS,
// DATA (the profile: code-server's --user-data-dir), CHROMIUM (default /usr/bin/chromium).

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const PORT = required('PORT');
const WS = required('WS');
const ARTIFACTS = required('ARTIFACTS');
const DATA = required('DATA');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The server indexes the whole workspace, so the first findings can take a while on a
// cold machine; after that each wait is for one round trip.
const FIRST_FINDINGS_MS = 90_000;
const STEP_MS = 30_000;

const t0 = Date.now();
let page;
let shot = 0;
let current = 'start';
// Error messages the server showed (window/showMessage), as VS Code logs them.
const serverErrors = [];

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`e2e.js: ${name} is not set (run test/e2e.sh)`);
        process.exit(2);
    }
    return value;
}

function log(text) {
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${text}`);
}

async function screenshot(name) {
    shot += 1;
    const file = path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.basename(file)}`);
}

async function step(name, body) {
    current = name;
    log(`step: ${name}`);
    await body();
}

class Failure extends Error {}

/** Waits for `locator`'s first match; on a timeout fails with `what` instead of a stack. */
async function expectVisible(locator, what, timeout = STEP_MS) {
    try {
        await locator.first().waitFor({ state: 'visible', timeout });
    } catch {
        throw new Failure(`${what} did not appear within ${timeout / 1000} s`);
    }
    return locator.first();
}

/**
 * Presses `keys` until `locator` shows, up to three times: a key pressed while the
 * workbench is still settling (focus moving, a widget closing) can be lost.
 */
async function pressUntilVisible(keys, locator, what) {
    for (let attempt = 1; ; attempt += 1) {
        await page.keyboard.press(keys);
        try {
            await locator.first().waitFor({ state: 'visible', timeout: attempt < 3 ? 5_000 : STEP_MS });
            return locator.first();
        } catch {
            if (attempt === 3) {
                throw new Failure(`${what} did not appear after pressing ${keys} three times`);
            }
            log(`${what}: not there after ${keys}, pressing it again`);
            await page.keyboard.press('Escape');
        }
    }
}

/** The rows of the Problems panel as text, one line each (only the rows it has drawn). */
async function problemRows() {
    const rows = page.locator('.markers-panel .monaco-list-row');
    const texts = await rows.allInnerTexts();
    return texts.map((text) => text.replace(/\s+/g, ' ').trim());
}

/**
 * Types `text` into the Problems panel's filter box. The panel draws only the rows that fit
 * (a finding with related locations takes several), so each check first narrows it to the
 * code it looks for; an empty text shows everything again.
 */
async function filterProblems(text) {
    // Only the Problems view's box is visible while the Problems panel is shown; other
    // panel views (Output) have filter boxes of their own.
    const boxes = page.locator('.panel .viewpane-filter input').filter({ visible: true });
    const box = await expectVisible(boxes, "the Problems panel's filter box");
    if ((await box.inputValue()) !== text) {
        await box.fill(text);
        // The panel applies the filter after a short debounce.
        await page.waitForTimeout(400);
    }
}

/** Waits for the finding `code` of the file `file` (a pattern for its row) and returns its row. */
async function expectProblem(code, file, timeout = STEP_MS) {
    const deadline = Date.now() + timeout;
    for (;;) {
        // Applied on every round: a box that the workbench redraws loses its text.
        await filterProblems(code);
        const rows = await problemRows();
        const index = rows.findIndex((text) => text.includes(code));
        const row = index < 0 ? undefined : rows[index];
        if (row !== undefined && rows.slice(0, index).some((text) => file.test(text))) {
            log(`Problems: ${row}`);
            return row;
        }
        if (Date.now() > deadline) {
            throw new Failure(`the ${code} finding of ${file.source.replace(/\\/g, '')} was not in the Problems panel within ${timeout / 1000} s; its rows (filtered by ${code}):\n  ${rows.join('\n  ') || '(none)'}`);
        }
        await page.waitForTimeout(250);
    }
}

/** Waits until no finding `code` is left in the Problems panel. */
async function expectNoProblem(code, timeout = STEP_MS) {
    const deadline = Date.now() + timeout;
    for (;;) {
        await filterProblems(code);
        const rows = await problemRows();
        if (!rows.some((text) => text.includes(code))) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Failure(`the ${code} finding was still in the Problems panel after ${timeout / 1000} s:\n  ${rows.join('\n  ')}`);
        }
        await page.waitForTimeout(250);
    }
}

async function run() {
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    try {
        page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        page.on('console', (message) => {
            // code-server asks for a few files it does not have (404s): not ours to report.
            if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
                console.log(`  [browser console] ${message.text().slice(0, 300)}`);
                if (/^sqlwarden: /.test(message.text())) {
                    serverErrors.push(message.text());
                }
            }
        });
        await scenario();
    } catch (error) {
        if (page !== undefined) {
            await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => {});
        }
        throw error;
    } finally {
        await browser.close();
    }
}

async function scenario() {
    await step('open the workspace', async () => {
        await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WS)}`, { waitUntil: 'domcontentloaded' });
        await expectVisible(page.locator('.monaco-workbench'), 'the VS Code workbench', 60_000);
        await expectVisible(page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'Scripts' }), 'the Explorer with the Payroll folder', 60_000);
        await screenshot('workbench');
    });

    await step('open Scripts/Script.PostDeployment.sql', async () => {
        const input = await pressUntilVisible('Control+P', page.locator('.quick-input-widget input'), 'Quick Open');
        await input.fill('Script.PostDeployment.sql');
        await expectVisible(page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Script.PostDeployment.sql' }), 'Script.PostDeployment.sql in Quick Open');
        await page.keyboard.press('Enter');
        await expectVisible(page.locator('.tabs-container .tab.active', { hasText: 'Script.PostDeployment.sql' }), 'the editor tab of Script.PostDeployment.sql');
        await expectVisible(page.locator('.monaco-editor .view-line', { hasText: 'EXECUTE AS USER' }), 'the EXECUTE AS line in the editor');
        await screenshot('file-opened');
    });

    await step('the findings in the Problems panel', async () => {
        await pressUntilVisible('Control+Shift+M', page.locator('.markers-panel'), 'the Problems panel');
        const row = await expectProblem('IMP003', /^Script\.PostDeployment\.sql/, FIRST_FINDINGS_MS);
        if (!/EXECUTE AS|REVERT/i.test(row)) {
            throw new Failure(`the IMP003 finding does not mention EXECUTE AS or REVERT: ${row}`);
        }
        // The code links to the rule's documentation (the diagnostic's codeDescription).
        const link = page.locator('.markers-panel .monaco-list-row', { hasText: 'IMP003' }).locator('a.monaco-link').first();
        const href = await link.getAttribute('href', { timeout: 5_000 }).catch(() => null);
        if (!href) {
            throw new Failure(`the IMP003 code in the Problems panel links nowhere (no codeDescription.href?): ${row}`);
        }
        log(`IMP003 links to ${href}`);
        // Findings of files that are not open: the server publishes for the whole workspace.
        await expectProblem('PRM002', /^RaiseSalary\.sql/);
        await expectProblem('IMP004', /^Search\.sql/);
        await filterProblems('');
        await expectVisible(page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info'), 'a squiggle in the editor');
        await screenshot('problems');
        await expectNoServerErrors();
    });

    await step('hover the EXECUTE AS finding', async () => {
        const line = page.locator('.monaco-editor .view-line', { hasText: 'EXECUTE AS USER' }).first();
        const word = line.locator('span span', { hasText: 'EXECUTE' }).first();
        const hover = page.locator('.monaco-hover:not(.hidden)');
        for (let attempt = 1; ; attempt += 1) {
            await page.mouse.move(5, 5);
            await word.hover();
            try {
                await hover.first().waitFor({ state: 'visible', timeout: 5_000 });
                break;
            } catch {
                if (attempt === 3) {
                    throw new Failure('no hover appeared over EXECUTE AS after three tries');
                }
            }
        }
        // The hover has a part for the diagnostic under the mouse (`.marker`) and one for
        // each hover provider: the server's markdown is in `.markdown-hover`.
        const marker = await expectVisible(hover.locator('.marker.hover-contents'), "the finding's part of the hover");
        const markerText = (await marker.innerText()).replace(/\s+/g, ' ');
        log(`hover, the finding: ${markerText}`);
        if (!/IMP003/.test(markerText)) {
            throw new Failure(`the hover's finding is not IMP003: ${markerText}`);
        }
        const markdown = await expectVisible(hover.locator('.markdown-hover .rendered-markdown'), "the server's markdown hover");
        const markdownText = (await markdown.innerText()).replace(/\s+/g, ' ').trim();
        log(`hover, the server's markdown: ${markdownText.slice(0, 300)}`);
        if (markdownText.length === 0) {
            throw new Failure("the server's hover is empty");
        }
        await screenshot('hover');
    });

    await step('apply the "Add REVERT" quick fix', async () => {
        // The server's title quotes the statement in backticks: "Add `REVERT;` after …".
        const addRevert = /^\s*Add `?REVERT\b/;
        const line = page.locator('.monaco-editor .view-line', { hasText: 'EXECUTE AS USER' }).first();
        await line.click();
        await page.keyboard.press('Escape');
        await pressUntilVisible('Control+.', page.locator('.action-widget'), 'the Ctrl+. menu');
        await expectVisible(page.locator('.action-widget .monaco-list-row', { hasText: addRevert }), 'the "Add REVERT" quick fix in the Ctrl+. menu');
        const titles = (await page.locator('.action-widget .monaco-list-row').allInnerTexts()).map((t) => t.trim());
        log(`code actions: ${titles.join(' | ')}`);
        await screenshot('quick-fix-menu');
        // Chosen with the keyboard: a click on the menu lands on VS Code's pointer block.
        for (let i = 0; ; i += 1) {
            const focused = (await page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '')).trim();
            if (addRevert.test(focused)) {
                break;
            }
            if (i > titles.length) {
                throw new Failure(`could not move the focus to "Add REVERT" in the quick fix menu: ${titles.join(' | ')}`);
            }
            await page.keyboard.press('ArrowDown');
        }
        await page.keyboard.press('Enter');
        await expectVisible(page.locator('.monaco-editor .view-line', { hasText: /^\s*REVERT/ }), 'a REVERT line in the editor after the fix');
        await expectNoProblem('IMP003');
        log('IMP003 is gone from the Problems panel');
        await expectProblem('PRM002', /^RaiseSalary\.sql/);
        await filterProblems('');
        await screenshot('fixed');
    });

    await step('sqlwarden: Restart Server', async () => {
        const before = serverStarts();
        await runCommand('sqlwarden: Restart Server');
        await waitFor(() => serverStarts() > before, 'a second start of the server in the extension log', STEP_MS);
        // The new server publishes the findings again. The open buffer, with the REVERT of
        // the fix, is sent to it, so IMP003 must stay away.
        await expectProblem('PRM002', /^RaiseSalary\.sql/, FIRST_FINDINGS_MS);
        await page.waitForTimeout(2000);
        await filterProblems('IMP003');
        const rows = await problemRows();
        if (rows.some((text) => text.includes('IMP003'))) {
            throw new Failure(`IMP003 came back after the restart although the file has its REVERT:\n  ${rows.join('\n  ')}`);
        }
        await filterProblems('');
        await screenshot('restarted');
        await expectNoServerErrors();
    });

    await step('a missing executable is reported with the setting to change', async () => {
        await runCommand('Preferences: Open User Settings', /^\s*Preferences: Open User Settings\s*$/);
        const search = await expectVisible(page.locator('.settings-editor .suggest-input-container textarea, .settings-editor .settings-header-widget .monaco-editor textarea'), 'the search box of the Settings editor');
        await search.focus();
        await page.keyboard.type('sqlwarden.path');
        // sqlwarden.path is machine-scoped: in code-server, as in any remote window, it is
        // shown on the Remote tab (the machine the server runs on), not on the User tab.
        const remote = await expectVisible(page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: /^Remote/ }), 'the Remote tab of the Settings editor');
        await remote.click();
        const input = await expectVisible(page.locator('.settings-editor .setting-item-contents', { hasText: 'Path' }).locator('input.input'), 'the sqlwarden.path setting');
        const missing = path.join(WS, 'no-such-dir', 'sqlwarden');
        await input.fill(missing);
        await page.keyboard.press('Tab');
        const toast = await expectVisible(page.locator('.notification-toast', { hasText: 'sqlwarden.path' }), 'an error notification naming sqlwarden.path');
        const text = (await toast.innerText()).replace(/\s+/g, ' ').trim();
        log(`notification: ${text}`);
        if (!text.includes(missing)) {
            throw new Failure(`the notification does not name the missing file ${missing}: ${text}`);
        }
        await screenshot('missing-executable');
    });
}

/**
 * Fails when the server has shown an error (window/showMessage): with the fixture and the
 * default settings it has none to show. VS Code logs such a message to the console and
 * shows it as a notification; both are looked at.
 */
async function expectNoServerErrors() {
    const toasts = await page.locator('.notification-toast', { hasText: /sqlwarden: / }).allInnerTexts();
    const errors = [...new Set([...serverErrors, ...toasts.map((text) => text.replace(/\s+/g, ' ').trim())])];
    if (errors.length > 0) {
        throw new Failure(`the server showed ${errors.length === 1 ? 'an error' : 'errors'}:\n  ${errors.join('\n  ')}`);
    }
}

/** Runs a command from the Command Palette by its title. */
async function runCommand(title, exact) {
    const input = await pressUntilVisible('Control+Shift+P', page.locator('.quick-input-widget input'), 'the Command Palette');
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: exact ?? title });
    await expectVisible(row, `the command "${title}"`);
    await row.first().click();
}

async function waitFor(condition, what, timeout) {
    const deadline = Date.now() + timeout;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Failure(`${what} did not happen within ${timeout / 1000} s`);
        }
        await page.waitForTimeout(250);
    }
}

/** How often the extension's log (its output channel, written under DATA/logs) says it started the server. */
function serverStarts() {
    let count = 0;
    const visit = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                visit(full);
            } else if (entry.name === 'sqlwarden.log' && path.basename(dir) === 'sqlwarden.sqlwarden') {
                count += fs.readFileSync(full, 'utf8').split('\n').filter((line) => /\] Starting .* server$/.test(line)).length;
            }
        }
    };
    visit(path.join(DATA, 'logs'));
    return count;
}

run().then(
    () => log('all steps passed'),
    (error) => {
        const detail = error instanceof Failure ? error.message : error.stack || String(error);
        console.error(`e2e.js: FAIL in step "${current}": ${detail}`);
        process.exit(1);
    },
);
