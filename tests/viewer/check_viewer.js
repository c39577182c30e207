// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The trace viewer in a real browser: Debian's Chromium, headless, driven
 * by playwright-core (no browser of its own is downloaded).
 *
 * usage: node check_viewer.js PROTMM SCENARIO ARTIFACTS
 *
 * Explores SCENARIO (seed 002's stale-tags race: two mprotect(PROT_MTE)
 * of one shared page, the second clearing the tags the first task
 * stored) with --html, and reads the same exploration's JSON trace
 * (--format json) as the reference the page must agree with. In the
 * page: a lane per task with its CPU; the violating step marked with the
 * oracle's message and its scenario line highlighted; a click on the
 * step that set PG_mte_tagged shows the folio decoded (refcount,
 * mapcount, the flag by name, new after the step); a click on the step
 * that cleared the tags shows granule 0's tag 0x3 before and 0x0 after;
 * the object filter; the replay command, which replays the violation;
 * and no request leaves the page. Screenshots go to ARTIFACTS.
 *
 * Exit status: 0 passed, 1 failed, 77 (meson: skipped) without Chromium
 * or node_modules (run_viewer.sh checks that first).
 */
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

let chromium;
try {
	({ chromium } = require('playwright-core'));
} catch (e) {
	console.log('SKIP: playwright-core is not installed (npm ci in tests/viewer)');
	process.exit(77);
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const [protmm, scenario, artifacts] = process.argv.slice(2);
let failures = 0;
let passes = 0;

function check(ok, what) {
	if (ok) {
		passes++;
		console.log(`ok - ${what}`);
	} else {
		failures++;
		console.log(`not ok - ${what}`);
	}
}

function equal(got, want, what) {
	check(got === want, `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

async function main() {
	if (!protmm || !scenario || !artifacts) {
		console.error('usage: node check_viewer.js PROTMM SCENARIO ARTIFACTS');
		process.exit(2);
	}
	if (!fs.existsSync(CHROMIUM)) {
		console.log(`SKIP: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
		process.exit(77);
	}
	fs.mkdirSync(artifacts, { recursive: true });
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'protmm-viewer-'));
	const page_path = path.join(artifacts, 'viewer.html');

	/* The reference: the same exploration's JSON trace. */
	const out = JSON.parse(execFileSync(protmm, ['explore', scenario, '--format',
		'json', '--html', page_path]).toString());
	const v = out.scenarios[0].result.violation;
	check(v && v.oracle === 'stale-tags', 'the exploration finds stale-tags');
	const steps = v.trace.filter((e) => e.kind === 'step');
	const vi = v.trace.findIndex((e) => e.kind === 'violation');
	const vstep = v.trace.slice(0, vi).filter((e) => e.kind === 'step').pop();
	const tasks = [...new Map(steps.map((s) => [s.task, s.cpu])).entries()];
	const flagStep = steps.find((s) => /^page 0x[0-9a-f]+ flags$/.test(s.object) &&
		s.before !== s.after);
	const clearStep = steps.find((s) => /^frame /.test(s.object) && s.task !== vstep.task);
	check(flagStep && clearStep, 'the trace has a flags step and the other task\'s tag write');

	const profile = fs.mkdtempSync(path.join(work, 'profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1500, height: 950 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync'],
	});
	const requests = [];
	const errors = [];
	context.on('request', (r) => requests.push(r.url()));
	try {
		const page = context.pages()[0] || await context.newPage();
		page.on('pageerror', (e) => errors.push(String(e)));
		page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
		await page.goto('file://' + page_path);
		await page.waitForSelector('body[data-rendered="true"]', { timeout: 10000 });

		/* A lane per task, with its CPU. */
		const lanes = await page.$$eval('th.lane-head', (hs) => hs.map((h) => ({
			task: Number(h.dataset.task), text: h.textContent })));
		equal(lanes.length, tasks.length, 'lanes');
		for (const [task, cpu] of tasks) {
			const l = lanes.find((x) => x.task === task);
			check(l && l.text.includes(`cpu${cpu}`), `lane T${task} says cpu${cpu}`);
		}
		equal(await page.$$eval('td.step', (c) => c.length), steps.length,
			'one cell per step');
		for (const s of [steps[0], vstep]) {
			const laneIndex = await page.$eval(`#step-${s.step}`, (c) => c.cellIndex);
			equal(lanes[laneIndex - 1].task, s.task, `step ${s.step} is in T${s.task}'s lane`);
		}

		/* The violating step, marked, with the oracle's message. */
		const marked = await page.$$eval('td.step.violating', (c) =>
			c.map((x) => Number(x.dataset.step)));
		equal(JSON.stringify(marked), JSON.stringify([vstep.step]), 'the violating step marked');
		const row = await page.$eval('tr.violation-row', (r) => r.textContent);
		check(row.includes('stale-tags') && row.includes(v.message),
			'the oracle\'s message under the violating step');
		const line = Number(/^(\d+) /.exec(vstep.operation)[1]);
		equal(await page.$eval('.src-line.current', (l) => Number(l.dataset.line)), line,
			'the violating step\'s scenario line highlighted');
		check((await page.$eval('.src-line.current .code', (l) => l.textContent))
			.includes('load_tags'), 'that line is the load_tags statement');
		await page.screenshot({ path: path.join(artifacts, 'viewer.png') });

		/* A click on the flags step: the folio, decoded, before and after. */
		await page.click(`#step-${flagStep.step}`);
		equal(await page.$eval('#details-object', (e) => e.textContent), flagStep.object,
			'the details show the clicked step\'s object');
		const cell = (side, field) => page.$eval(
			`table.state[data-side="${side}"] tr[data-field="${field}"] td.value`,
			(e) => e.textContent);
		const chips = (side) => page.$$eval(
			`table.state[data-side="${side}"] tr[data-field="flags"] .chip:not(.gone)`,
			(cs) => cs.map((c) => c.textContent));
		const before = await chips('before');
		const after = await chips('after');
		/* PG_arch_2 (bit 15) is arm64's PG_mte_tagged. */
		const tagged = (x) => (parseInt(x, 16) & (1 << 15)) !== 0;
		equal(before.includes('mte_tagged'), tagged(flagStep.before), 'mte_tagged before');
		equal(after.includes('mte_tagged'), tagged(flagStep.after), 'mte_tagged after');
		check(await page.$eval('table.state[data-side="after"] tr[data-field="flags"]',
			(r) => r.classList.contains('changed')), 'the flags marked as changed');
		/* A memfd page in the page cache, mapped by P and Q. */
		equal(await cell('after', 'refcount'), '3', 'refcount: the page cache and two PTEs');
		equal(await cell('after', 'mapcount'), '2', 'mapcount: P and Q map it');
		check((await cell('after', 'pincount')).includes('maybe pinned: no'),
			'pincount: a small folio, not pinned');

		/* The other task's write of the frame: tag 0x3 gone from granule 0. */
		await page.click(`#step-${clearStep.step}`);
		const tb = await cell('before', 'tags');
		const ta = await cell('after', 'tags');
		check(tb.startsWith('granule 0: 0x3'), `tags before the clearing: ${tb}`);
		check(ta.startsWith('granules 0–255: 0x0'), `tags after the clearing: ${ta}`);
		await page.screenshot({ path: path.join(artifacts, 'viewer-state.png') });

		/* Filter by object. */
		await page.selectOption('#object-filter', clearStep.object);
		const shown = await page.$$eval('tr.step-row:not([hidden])', (rs) =>
			rs.map((r) => Number(r.dataset.step)));
		equal(JSON.stringify(shown), JSON.stringify(steps.filter((s) =>
			s.object === clearStep.object).map((s) => s.step)), 'the object filter');
		await page.selectOption('#object-filter', '');

		/* The schedule and the replay command, which reproduces it. */
		equal(await page.inputValue('#schedule'), v.schedule, 'the schedule');
		const replay = await page.inputValue('#replay');
		equal(replay, v.replay, 'the replay command');
		const args = replay.split(' ').slice(1);
		let text = '';
		try {
			text = execFileSync(protmm, args).toString();
		} catch (e) {
			text = String(e.stdout || '');
		}
		check(text.includes('violation stale-tags'), 'the replay command replays the violation');

		equal(errors.length, 0, `no script errors ${errors.join('; ')}`);
		const outside = requests.filter((u) => !u.startsWith('file://'));
		equal(outside.length, 0, `no request leaves the page ${outside.join(' ')}`);
	} finally {
		await context.close();
		fs.rmSync(work, { recursive: true, force: true });
	}
	console.log(`screenshot: ${path.join(artifacts, 'viewer.png')}`);
	console.log(`screenshot: ${path.join(artifacts, 'viewer-state.png')}`);
	console.log(`${passes} passed, ${failures} failed`);
	process.exit(failures ? 1 : 0);
}

main().catch((e) => {
	console.log(`not ok - ${e.stack || e}`);
	process.exit(1);
});
