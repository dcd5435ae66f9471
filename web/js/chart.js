// chart.js - a horizontal bar chart in SVG: [[label, value], ...].

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
	const e = document.createElementNS(NS, name);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
	if (text !== undefined) e.textContent = text;
	return e;
}

/** Bar widths as fractions of the largest value (0 when all are 0). */
export function scale(values) {
	const max = Math.max(0, ...values);
	return values.map((v) => (max ? v / max : 0));
}

export function barChart(rows, { title, labelWidth = 150, width = 380, bar = 18 } = {}) {
	const h = rows.length * (bar + 6) + 4;
	const svg = el('svg', { class: 'chart', viewBox: `0 0 ${width} ${h}`, width: '100%', role: 'img', 'aria-label': title || '' });
	const fr = scale(rows.map((r) => r[1]));
	const room = width - labelWidth - 50;
	rows.forEach(([label, v], i) => {
		const y = i * (bar + 6) + 2;
		svg.append(el('text', { x: labelWidth - 6, y: y + bar * 0.72, 'text-anchor': 'end' }, String(label).slice(0, 14)));
		svg.append(el('rect', { class: 'bar', x: labelWidth, y, width: Math.max(1, fr[i] * room), height: bar, rx: 2 }));
		svg.append(el('text', { x: labelWidth + fr[i] * room + 6, y: y + bar * 0.72 }, String(v)));
	});
	return svg;
}
