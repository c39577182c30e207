// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm's trace viewer. The protmm command embeds this script, the style
 * beside it and one JSON document (#protmm-data) in each page it writes
 * (src/cli/html.c): the trace of one execution, the scenario's source,
 * and for each step the object it touched decoded before and after
 * (src/cli/html_state.c). A lane per task, as the seed threads draw races:
 * two columns of CPU steps. Nothing is fetched.
 */
(function () {
	'use strict';

	const data = JSON.parse(document.getElementById('protmm-data').textContent);
	const app = document.getElementById('app');

	/* A DOM element: tag with classes ("div.a.b"), attributes, children. */
	function el(spec, attrs, ...children) {
		const [tag, ...classes] = spec.split('.');
		const e = document.createElement(tag || 'div');
		if (classes.length)
			e.className = classes.join(' ');
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k === 'text')
				e.textContent = v;
			else if (k.startsWith('on'))
				e.addEventListener(k.slice(2), v);
			else
				e.setAttribute(k, v === true ? '' : v);
		}
		for (const c of children.flat()) {
			if (c === null || c === undefined || c === false)
				continue;
			e.append(c instanceof Node ? c : document.createTextNode(String(c)));
		}
		return e;
	}

	function copyText(text, button) {
		const done = () => {
			const old = button.textContent;
			button.textContent = 'copied';
			setTimeout(() => { button.textContent = old; }, 1200);
		};
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(text).then(done, () => fallback());
		} else {
			fallback();
		}
		function fallback() {
			const t = el('textarea.offscreen', { readonly: true });
			t.value = text;
			document.body.append(t);
			t.select();
			try {
				document.execCommand('copy');
				done();
			} catch (e) {
				button.textContent = 'select and copy by hand';
			}
			t.remove();
		}
	}

	function copyBox(label, text, id) {
		const input = el('input.copy-text', { id: id, readonly: true, value: text,
			'aria-label': label });
		input.value = text;
		input.addEventListener('focus', () => input.select());
		const button = el('button.copy', { type: 'button', text: 'copy',
			'data-copy': id });
		button.addEventListener('click', () => copyText(text, button));
		return el('div.copy-box', {}, el('span.copy-label', { text: label }), input,
			button);
	}

	function verdictClass(v) {
		if (!v)
			return '';
		if (v === 'as expected')
			return 'good';
		if (v === 'interrupted')
			return 'cut';
		return 'bad';
	}

	/* ---------------------------------------------------------------- index */

	function renderIndex() {
		document.body.classList.add('index-page');
		const rows = data.rows || [];
		const table = el('table.verdicts', { id: 'verdicts' },
			el('thead', {}, el('tr', {},
				['#', 'verdict', 'scenario', 'expected', 'got', 'executions',
					'trace'].map((h) => el('th', { text: h })))),
			el('tbody', {}, rows.map((r, i) => el('tr.' + verdictClass(r.verdict),
				{ 'data-verdict': r.verdict },
				el('td.num', { text: i + 1 }),
				el('td.verdict', {}, el('span.badge.' + verdictClass(r.verdict),
					{ text: r.verdict })),
				el('td', {}, el('div.name', { text: r.name || '' }),
					el('div.file', { text: r.file || '' })),
				el('td', { text: r.expected || '' }),
				el('td', { text: r.got || '' }),
				el('td.num', { text: r.executions }),
				el('td', {}, r.page ? el('a', { href: r.page, text: 'view trace' })
					: '')))));
		app.append(
			el('header', {},
				el('h1', {}, 'protmm run'),
				el('p.summary', { text: `${data.planned} scenarios: ` +
					`${data.as_expected} as expected, ${data.not_as_expected} NOT ` +
					`as expected, ${data.malformed} malformed` })),
			el('main.index', {}, table));
	}

	/* ---------------------------------------------------------------- trace */

	const trace = Array.isArray(data.trace) ? data.trace : [];
	const steps = trace.filter((e) => e.kind === 'step');
	const stepByNo = new Map(steps.map((s) => [s.step, s]));
	const states = new Map((data.states || []).map((s) => [s.step, s]));
	const violation = trace.find((e) => e.kind === 'violation');
	const end = trace.find((e) => e.kind === 'end');
	const blocked = trace.filter((e) => e.kind === 'blocked');

	/* The tasks that ran, by id: name and CPU. */
	function taskList() {
		const tasks = new Map();
		for (const s of steps)
			if (!tasks.has(s.task))
				tasks.set(s.task, { id: s.task, name: s.name, cpu: s.cpu });
		for (const b of blocked)
			if (!tasks.has(b.task))
				tasks.set(b.task, { id: b.task, name: b.name, cpu: null });
		return [...tasks.values()].sort((a, b) => a.id - b.id);
	}

	/* The scenario line a step's statement is on ("53 mprotect"). */
	function sourceLine(step) {
		const m = /^(\d+) /.exec(step.operation || '');
		return m ? Number(m[1]) : null;
	}

	function statement(step) {
		return (step.operation || '').replace(/^\d+ /, '');
	}

	function hex(n) {
		return '0x' + n.toString(16);
	}

	function tagRuns(tags) {
		if (!tags)
			return null;
		return tags.map(([a, b, t]) => `${a === b ? 'granule ' + a :
			'granules ' + a + '–' + b}: ${hex(t)}`).join(', ');
	}

	/* Rows of a decoded state: [field, value, kind]; kind 'chips' for names. */
	function folioRows(f, prefix) {
		const p = prefix || '';
		return [
			[p + 'folio', f.pfn + (f.order ? ` (order ${f.order})` : '')],
			[p + 'refcount', f.refcount],
			[p + 'mapcount', f.mapcount],
			[p + 'pincount', f.pincount === null ?
				`— (small folio: a pin adds 1024 to refcount; ` +
				`maybe pinned: ${f.maybe_pinned ? 'yes' : 'no'})` : f.pincount],
			[p + 'memory', f.memory],
			[p + 'flags', f.flags, 'chips'],
		];
	}

	function pteRows(p, prefix) {
		const q = prefix || '';
		const rows = [[q + 'value', p.value], [q + 'bits', p.bits, 'chips']];
		if (p.none)
			rows.push([q + 'maps', 'nothing (pte_none)']);
		else if (p.swap)
			rows.push([q + 'swap entry', `type ${p.swap.type}, offset ` +
				`${p.swap.offset}${p.swap.exclusive ? ', exclusive' : ''}`]);
		else
			rows.push([q + 'pfn', p.pfn]);
		return rows;
	}

	function stateRows(s) {
		if (!s)
			return [];
		switch (s.kind) {
		case 'folio':
		case 'frame': {
			const rows = s.kind === 'frame' ? [['frame', s.page]] : [['page', s.page]];
			rows.push(...folioRows(s.folio));
			if (s.tags)
				rows.push(['tags', tagRuns(s.tags)]);
			return rows;
		}
		case 'pte': {
			const rows = [['pte', `table ${s.table} [${s.index}]`], ...pteRows(s)];
			if (s.folio)
				rows.push(...folioRows(s.folio, 'mapped '));
			if (s.tags)
				rows.push(['mapped tags', tagRuns(s.tags)]);
			return rows;
		}
		case 'table':
			return [['page table', s.pfn], ['ptl', s.ptl ? 'locked' : 'unlocked']];
		case 'tlb': {
			const rows = [];
			for (const c of s.cpus) {
				if (!c.entries.length) {
					rows.push([`cpu${c.cpu}`, 'empty']);
					continue;
				}
				for (const e of c.entries)
					rows.push([`cpu${c.cpu} mm${e.mm} ${e.vaddr}`,
						e.pfn ? `pfn ${e.pfn} ` : e.value, 'tlb', e.bits]);
			}
			return rows;
		}
		default:
			return [];
		}
	}

	function renderValue(row, other) {
		const [, v, kind, extra] = row;
		if (kind === 'chips') {
			const had = new Set(other && Array.isArray(other[1]) ? other[1] : []);
			return el('span.chips', {}, (v || []).map((name) =>
				el('span.chip' + (other && !had.has(name) ? '.new' : ''),
					{ text: name })),
			other ? [...had].filter((n) => !(v || []).includes(n)).map((name) =>
				el('span.chip.gone', { text: name, title: 'not set here' })) : []);
		}
		if (kind === 'tlb')
			return el('span', {}, v, el('span.chips', {}, (extra || []).map((n) =>
				el('span.chip', { text: n }))));
		return String(v);
	}

	function stateTable(s, other, side, step) {
		const rows = stateRows(s);
		const others = new Map(stateRows(other).map((r) => [r[0], r]));
		const body = el('tbody');
		if (!s) {
			body.append(el('tr', {}, el('td.none', { colspan: 2,
				text: 'not recorded' })));
		} else if (!rows.length) {
			const v = side === 'before' ? step.before : step.after;
			body.append(el('tr', {}, el('td.field', { text: step.object }),
				el('td', { 'data-field': 'value', text: v !== undefined ? v :
					'(no value the model decodes: a lock, a name, a wait)' })));
		}
		/* What the step removed (a flushed TLB entry), where it was. */
		const shown = rows.map((r) => ({ r: r, gone: false }));
		if (side === 'after' && s && other) {
			let at = -1;
			for (const r of stateRows(other)) {
				const i = shown.findIndex((d) => d.r[0] === r[0]);
				if (i >= 0)
					at = i;
				else
					shown.splice(++at, 0, { r: r, gone: true });
			}
		}
		for (const { r, gone } of shown) {
			if (gone) {
				body.append(el('tr.removed', { 'data-field': r[0] },
					el('td.field', { text: r[0] }), el('td.value', { text: 'gone' })));
				continue;
			}
			const o = others.get(r[0]);
			const changed = side === 'after' && other &&
				JSON.stringify(o ? o.slice(1) : null) !== JSON.stringify(r.slice(1));
			body.append(el('tr' + (changed ? '.changed' : ''),
				{ 'data-field': r[0] },
				el('td.field', { text: r[0] }),
				el('td.value', {}, renderValue(r, side === 'after' ? o : null))));
		}
		return el('table.state', { 'data-side': side }, el('caption', { text: side }),
			body);
	}

	function render() {
		document.body.classList.add('trace-page');
		const tasks = taskList();
		const lane = new Map(tasks.map((t, i) => [t.id, i]));
		const vstep = data.violation_step;
		const objects = [...new Set(steps.map((s) => s.object))].sort();
		let selected = null;
		let filter = '';

		/* Header: what, the verdict, how to see it again. */
		const header = el('header', {},
			el('h1', {}, el('span.tool', { text: 'protmm ' + data.command }), ' ',
				el('span.scenario', { text: data.scenario || '' })),
			el('div.meta', {},
				data.file ? el('span.file', { text: data.file }) : null,
				data.verdict ? el('span.badge.' + verdictClass(data.verdict),
					{ id: 'verdict', text: data.verdict }) : null,
				data.expected ? el('span', { text: `expected ${data.expected}, got ` +
					`${data.got}` }) : null,
				el('span', { text: `${data.executions} execution` +
					`${data.executions === 1 ? '' : 's'} (${data.strategy})` })),
			data.oracle ? el('div.violation-banner', { id: 'violation-banner' },
				el('strong', { text: `violation ${data.oracle}` }), ': ', data.message,
				vstep >= 0 ? el('a', { href: '#step-' + vstep, text: ` (step ${vstep})`,
					onclick: (ev) => { ev.preventDefault(); select(vstep, true); } })
					: null) : null,
			el('div.copies', {},
				data.schedule !== null ? copyBox('schedule', data.schedule || "''",
					'schedule') : null,
				data.replay ? copyBox('replay', data.replay, 'replay') : null));

		/* The lanes: a column per task, a row per step. */
		const filterSelect = el('select', { id: 'object-filter',
			'aria-label': 'filter by object' },
		el('option', { value: '', text: `all objects (${objects.length})` }),
		objects.map((o) => el('option', { value: o, text: o })));
		filterSelect.addEventListener('change', () => {
			filter = filterSelect.value;
			applyFilter();
		});
		const head = el('tr', {}, el('th.stepno', { text: 'step' }),
			tasks.map((t, i) => el('th.lane-head.task-' + (i % 6), {
				'data-task': t.id },
			el('div.task-name', { text: `T${t.id} ${t.name}` }),
			el('div.task-cpu', { text: t.cpu === null ? '' : `cpu${t.cpu}` }))));
		const body = el('tbody');
		const rowOf = new Map();

		for (const s of steps) {
			const cells = tasks.map(() => el('td.empty'));
			const i = lane.get(s.task);
			const line = sourceLine(s);
			const vals = s.before !== undefined ?
				el('div.values', {}, s.before, ' → ', s.after) : null;
			cells[i] = el('td.step.task-' + (i % 6) + (s.step === vstep ?
				'.violating' : ''), {
				id: 'step-' + s.step, 'data-step': s.step, 'data-task': s.task,
				'data-object': s.object, tabindex: 0,
				title: `${s.function} (${s.file}:${s.line})`,
			},
			el('div.op', {}, line !== null ? el('span.line', { text: line }) : null,
				statement(s)),
			el('div.access', {}, el('span.kind', { text: s.access }), ' ', s.object),
			vals,
			el('div.where', { text: `${s.function} ${s.file.replace(/^src\//, '')}` +
				`:${s.line}` }));
			cells[i].addEventListener('click', () => select(s.step, false));
			const tr = el('tr.step-row', { 'data-step': s.step },
				el('td.stepno', { text: s.step }), cells);
			body.append(tr);
			rowOf.set(s.step, tr);
			if (s.step === vstep && violation)
				body.append(el('tr.violation-row', {}, el('td.stepno', { text: '!!' }),
					el('td', { colspan: tasks.length },
						el('strong', { text: `violation ${violation.oracle}` }), ': ',
						violation.message)));
		}
		for (const b of blocked) {
			const cells = tasks.map(() => el('td.empty'));
			cells[lane.get(b.task)] = el('td.blocked', {},
				`blocked: ${b.access} ${b.object}`, el('div.where',
					{ text: `${b.file}:${b.line}` }));
			body.append(el('tr', {}, el('td.stepno', { text: '' }), cells));
		}
		if (violation && !(vstep >= 0))
			body.append(el('tr.violation-row', {}, el('td.stepno', { text: '!!' }),
				el('td', { colspan: Math.max(tasks.length, 1) },
					el('strong', { text: `violation ${violation.oracle}` }),
					`: ${violation.message} (${violation.where})`)));
		if (end)
			body.append(el('tr.end-row', {}, el('td.stepno', { text: 'end' }),
				el('td', { colspan: Math.max(tasks.length, 1),
					text: end.end === 'crash' ? `crash: ${end.crash}` :
						`${end.end} after ${end.steps} steps` })));
		const lanes = el('section.lanes', {},
			el('div.toolbar', {}, el('label', { for: 'object-filter', text: 'object ' }),
				filterSelect,
				el('span.hint', { text: 'click a step for its state; ↑ ↓ move' })),
			steps.length ? el('div.lanes-scroll', {}, el('table.lanes-table',
				{ id: 'lanes' }, el('thead', {}, head), body)) : el('p.empty-trace', { text: data.trace ?
				'no step was traced' : 'no trace: no violation was found' }));

		/* The scenario's source, each step's line marked. */
		const used = new Map();
		for (const s of steps) {
			const l = sourceLine(s);
			if (l !== null && !used.has(l))
				used.set(l, lane.get(s.task));
		}
		const lines = (data.source || '').split('\n');
		if (lines.length && lines[lines.length - 1] === '')
			lines.pop();
		const lineEls = new Map();
		const source = el('pre.source', { id: 'source' }, lines.map((text, i) => {
			const n = i + 1;
			const e = el('div.src-line' + (used.has(n) ? '.used.task-' +
				(used.get(n) % 6) : ''), { 'data-line': n },
			el('span.ln', { text: n }), el('span.code', { text: text || ' ' }));
			lineEls.set(n, e);
			return e;
		}));
		const sourcePanel = el('section.source-panel', {},
			el('h2', { text: data.file || 'program' }),
			data.source ? source : el('p.description', { text: data.description || '' }));

		/* What the selected step touched. */
		const details = el('section.details', { id: 'details' },
			el('p.hint', { text: 'Click a step to see the object it touched, ' +
				'before and after.' }));

		function select(n, scroll) {
			const s = stepByNo.get(n);
			if (!s)
				return;
			if (selected !== null) {
				const old = document.getElementById('step-' + selected);
				if (old)
					old.classList.remove('selected');
			}
			selected = n;
			const cell = document.getElementById('step-' + n);
			cell.classList.add('selected');
			if (scroll)
				cell.scrollIntoView({ block: 'center' });
			for (const e of lineEls.values())
				e.classList.remove('current');
			const l = sourceLine(s);
			if (l !== null && lineEls.has(l)) {
				lineEls.get(l).classList.add('current');
				lineEls.get(l).scrollIntoView({ block: 'nearest' });
			}
			const st = states.get(n);
			details.replaceChildren(...[
				el('h2', {}, `step ${n}: `, el('span.kind', { text: s.access }), ' ',
					el('span.object', { id: 'details-object', text: s.object })),
				el('p.where', { text: `T${s.task} ${s.name} on cpu${s.cpu}, ` +
					`${statement(s)} (line ${l}), in ${s.function} at ` +
					`${s.file}:${s.line}` }),
				n === vstep && violation ? el('p.violation-note', {},
					el('strong', { text: `violation ${violation.oracle}` }), ': ',
					violation.message) : null,
				data.states ? el('div.states', {},
					stateTable(st && st.before, st && st.after, 'before', s),
					stateTable(st && st.after, st && st.before, 'after', s)) :
					el('p.none', { text: 'The states were not recorded ' +
						'(the execution crashed, or its replay failed).' }),
			].filter((x) => x));
		}

		function applyFilter() {
			for (const [n, tr] of rowOf)
				tr.hidden = filter !== '' && stepByNo.get(n).object !== filter;
		}

		document.addEventListener('keydown', (ev) => {
			if (ev.target.tagName === 'INPUT' || ev.target.tagName === 'SELECT')
				return;
			if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp')
				return;
			const visible = steps.filter((s) => !rowOf.get(s.step).hidden);
			if (!visible.length)
				return;
			let i = visible.findIndex((s) => s.step === selected);
			i = ev.key === 'ArrowDown' ? Math.min(i + 1, visible.length - 1) :
				Math.max(i - 1, 0);
			select(visible[i].step, true);
			ev.preventDefault();
		});

		app.append(header, el('main.trace', {}, lanes,
			el('aside.side', {}, sourcePanel, details)));
		if (vstep >= 0)
			select(vstep, true);
		else if (steps.length)
			select(steps[steps.length - 1].step, false);
		document.body.dataset.rendered = 'true';
	}

	if (data.page === 'index')
		renderIndex();
	else
		render();
	document.body.dataset.rendered = 'true';
}());
