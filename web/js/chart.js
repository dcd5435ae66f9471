// chart.js - small SVG charts: horizontal bars [[label, value]], a line over
// time, and a Pareto chart (bars largest first plus the cumulative share).
// Labels are never cut silently: a long one wraps onto a second line, and
// what still does not fit ends in "…" with the full label as its tooltip
// (an SVG <title>).

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
	const e = document.createElementNS(NS, name);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
	if (text !== undefined) e.textContent = text;
	return e;
}

/** Bar lengths as fractions of the largest magnitude (0 when all are 0); a negative value keeps its sign. */
export function scale(values) {
	const max = Math.max(0, ...values.map((v) => Math.abs(v)));
	return values.map((v) => (max ? v / max : 0));
}

/** Display width of text in "narrow" units: a CJK or full-width character counts two. */
export function textWidth(s) {
	let w = 0;
	for (const ch of String(s)) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
	return w;
}

/**
 * label in at most `lines` lines of at most max units (textWidth): broken
 * at spaces where it can, inside a word when it must; the last line ends
 * in "…" when the label does not fit.
 */
export function wrapLabel(label, max, lines = 2) {
	const out = [];
	let rest = String(label);
	while (rest && out.length < lines) {
		if (textWidth(rest) <= max) {
			out.push(rest);
			rest = '';
			break;
		}
		let cut = 0, w = 0;
		for (const ch of rest) {
			const cw = textWidth(ch);
			if (w + cw > max) break;
			w += cw;
			cut += ch.length;
		}
		const space = rest.lastIndexOf(' ', cut);
		const at = space > 0 ? space : Math.max(1, cut);
		out.push(rest.slice(0, at));
		rest = rest.slice(at).trimStart();
	}
	if (rest) {
		let last = out[out.length - 1];
		while (last.length > 1 && textWidth(last) + 1 > max) last = [...last].slice(0, -1).join('');
		out[out.length - 1] = last + '…';
	}
	return out;
}

/** A <text> of one or two lines (label wrapped to max units) with the full label as its tooltip. */
function labelText(label, max, attrs, lineHeight = 12) {
	const lines = wrapLabel(label, max);
	const text = el('text', { ...attrs, y: attrs.y - ((lines.length - 1) * lineHeight) / 2 });
	text.append(el('title', {}, String(label)));
	lines.forEach((line, i) => text.append(el('tspan', { x: attrs.x, dy: i ? lineHeight : 0 }, line)));
	return text;
}

/**
 * Horizontal bars [[label, value]]; a negative value (a SERVQUAL gap) is a
 * bar of its length with class "neg".  Labels wrap onto two lines.
 */
export function barChart(rows, { title, labelWidth = 150, width = 380, bar = 18, fmt = String } = {}) {
	const gap = 10;
	const h = rows.length * (bar + gap) + 4;
	const svg = el('svg', { class: 'chart', viewBox: `0 0 ${width} ${h}`, width: '100%', role: 'img', 'aria-label': title || '' });
	const fr = scale(rows.map((r) => r[1]));
	const valueWidth = Math.max(40, ...rows.map(([, v]) => textWidth(fmt(v)) * 7)) + 12; /* the figure after the bar */
	const room = Math.max(40, width - labelWidth - valueWidth);
	const max = Math.max(8, Math.floor((labelWidth - 10) / 6.5));
	rows.forEach(([label, v], i) => {
		const y = i * (bar + gap) + 2;
		const len = Math.abs(fr[i]) * room;
		svg.append(labelText(label, max, { x: labelWidth - 6, y: y + bar * 0.72, 'text-anchor': 'end' }));
		const rect = el('rect', { class: v < 0 ? 'bar neg' : 'bar', x: labelWidth, y, width: Math.max(1, len), height: bar, rx: 2 });
		rect.append(el('title', {}, `${label}: ${fmt(v)}`));
		svg.append(rect);
		svg.append(el('text', { class: 'value', x: labelWidth + len + 6, y: y + bar * 0.72 }, fmt(v)));
	});
	return svg;
}

/** Evenly spaced x positions for n points across [x0, x1]. */
export function spread(n, x0, x1) {
	if (n <= 1) return [(x0 + x1) / 2].slice(0, n);
	return Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));
}

/** Every k-th label so that at most max show (the last always does). */
export function tickEvery(n, max) {
	return Math.max(1, Math.ceil(n / Math.max(1, max)));
}

/**
 * A line chart over time: points [[label, value]] in order; fmt formats a
 * value for the axis and the point titles.
 */
export function lineChart(points, { title, width = 640, height = 220, fmt = String } = {}) {
	const pad = { l: 56, r: 12, t: 10, b: 34 };
	const svg = el('svg', { class: 'chart line-chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title || '' });
	const vals = points.map((p) => (typeof p[1] === 'number' ? p[1] : null));
	const max = Math.max(0, ...vals.filter((v) => v !== null));
	const ys = (v) => height - pad.b - (max ? (v / max) * (height - pad.t - pad.b) : 0);
	const xs = spread(points.length, pad.l, width - pad.r);
	svg.append(el('line', { class: 'axis', x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b }));
	svg.append(el('text', { class: 'tick', x: pad.l - 6, y: pad.t + 8, 'text-anchor': 'end' }, fmt(max)));
	svg.append(el('text', { class: 'tick', x: pad.l - 6, y: height - pad.b, 'text-anchor': 'end' }, fmt(0)));
	let d = '';
	points.forEach((p, i) => {
		if (vals[i] === null) return;
		d += `${d ? 'L' : 'M'}${xs[i].toFixed(1)},${ys(vals[i]).toFixed(1)}`;
	});
	svg.append(el('path', { class: 'series', d, fill: 'none' }));
	const every = tickEvery(points.length, 8);
	points.forEach((p, i) => {
		if (vals[i] !== null) {
			const dot = el('circle', { class: 'dot', cx: xs[i], cy: ys(vals[i]), r: 3 });
			dot.append(el('title', {}, `${p[0]}: ${fmt(vals[i])}`));
			svg.append(dot);
		}
		if (i % every === 0 || i === points.length - 1) {
			/* the first and last labels align with the plot's edges so neither runs off the chart */
			const anchor = points.length > 1 && i === 0 ? 'start' : points.length > 1 && i === points.length - 1 ? 'end' : 'middle';
			svg.append(el('text', { class: 'tick', x: xs[i], y: height - pad.b + 16, 'text-anchor': anchor }, String(p[0])));
		}
	});
	return svg;
}

/**
 * A Pareto chart: bars largest first (series from report_model's
 * paretoSeries: {label, value, cum}) and the cumulative share as a line
 * on a 0-100 % right axis, with the 80 % mark.
 */
export function paretoChart(series, { title, width = 640, height = 240, fmt = String } = {}) {
	const pad = { l: 56, r: 40, t: 10, b: 52 };
	const svg = el('svg', { class: 'chart pareto-chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title || '' });
	const inner = height - pad.t - pad.b;
	const max = Math.max(0, ...series.map((s) => s.value));
	const slot = series.length ? (width - pad.l - pad.r) / series.length : 0;
	const y80 = pad.t + inner * 0.2;
	svg.append(el('line', { class: 'axis', x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b }));
	svg.append(el('line', { class: 'mark80', x1: pad.l, y1: y80, x2: width - pad.r, y2: y80 }));
	svg.append(el('text', { class: 'tick', x: width - pad.r + 4, y: y80 + 4 }, '80%'));
	svg.append(el('text', { class: 'tick', x: width - pad.r + 4, y: pad.t + 8 }, '100%'));
	svg.append(el('text', { class: 'tick', x: pad.l - 6, y: pad.t + 8, 'text-anchor': 'end' }, fmt(max)));
	let d = '';
	series.forEach((s, i) => {
		const bh = max ? (s.value / max) * inner : 0;
		const x = pad.l + i * slot;
		const bar = el('rect', { class: 'bar', x: x + slot * 0.1, y: height - pad.b - bh, width: Math.max(1, slot * 0.8), height: bh });
		bar.append(el('title', {}, `${s.label}: ${fmt(s.value)} (${Math.round(s.cum * 100)}%)`));
		svg.append(bar);
		const cx = x + slot / 2,
			cy = pad.t + inner * (1 - s.cum);
		d += `${d ? 'L' : 'M'}${cx.toFixed(1)},${cy.toFixed(1)}`;
		svg.append(el('circle', { class: 'dot', cx, cy, r: 2.5 }));
		if (slot >= 28 || i % tickEvery(series.length, 10) === 0)
			svg.append(labelText(s.label, Math.max(6, Math.floor(Math.max(slot, 56) / 6.5)), { class: 'tick', x: cx, y: height - pad.b + 20, 'text-anchor': 'middle' }, 11));
	});
	svg.append(el('path', { class: 'series cum', d, fill: 'none' }));
	return svg;
}
