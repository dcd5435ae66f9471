// quotes.js - #/quotes (order.read): the quote form priced live against
// POST /api/v1/quotes/preview (quote_form.js), and for desk.admin the rate
// cards: the list, an import (name + CSV pasted or read from a file; a
// refused card shows the server's "line N:" reason next to the CSV) and a
// CSV export link per card.

import { api, get } from '../api.js';
import { clear, field, h, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { can } from '../session.js';
import { quoteForm } from '../quote_form.js';

export async function render(main) {
	let cards;
	try {
		cards = (await get('/api/v1/rate-cards')).items;
	} catch (e) {
		return clear(main, h('div.empty', { role: 'alert' }, e.message));
	}
	const formBox = h('section.panel.quote-panel', h('h2', t('quote.new')));
	const cardsBox = h('div');
	clear(main, h('div.page.quotes', h('h1', t('quote.title')), formBox, cardsBox));

	function drawForm() {
		formBox.replaceChildren(h('h2', t('quote.new')), cards.some((c) => c.active !== false) ? quoteForm(cards).el : h('p.muted.no-cards', t('quote.no_cards')));
	}
	async function reload() {
		cards = (await get('/api/v1/rate-cards')).items;
		drawForm();
		drawCards();
	}
	function drawCards() {
		if (!can('desk.admin')) return cardsBox.replaceChildren();
		cardsBox.replaceChildren(ratecardsPanel(cards, reload));
	}
	drawForm();
	drawCards();
}

function ratecardsPanel(cards, reload) {
	const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
	const csv = h('textarea', { name: 'csv', rows: 8, spellcheck: 'false', class: 'mono' });
	const file = h('input', { name: 'file', type: 'file', accept: '.csv,text/csv,text/plain' });
	file.addEventListener('change', async () => {
		const f = file.files[0];
		if (!f) return;
		csv.value = await f.text();
		if (!name.value.trim()) name.value = f.name.replace(/\.[^.]*$/, '');
	});
	const form = h(
		'form.ratecard-import',
		{ novalidate: true },
		h('h3', t('ratecard.import')),
		field(t('ratecard.name'), name),
		field(t('ratecard.csv'), csv, t('ratecard.csv_hint')),
		field(t('ratecard.file'), file),
		h('button', { type: 'submit' }, t('ratecard.import'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(
			form,
			async () => {
				const r = await api('POST', '/api/v1/rate-cards', { body: { name: name.value.trim(), csv: csv.value } });
				toast(t('ratecard.imported', { name: r.data.name }));
				await reload();
			},
			/* a card's errors name the CSV's own fields: they all belong to the CSV */
			new Proxy({ name: 'name' }, { get: (o, k) => (k in o ? o[k] : 'csv') })
		);
	});
	return h(
		'section.panel.ratecards',
		h('h2', t('ratecard.title')),
		cards.length
			? h(
					'table.data.ratecard-list',
					h('thead', h('tr', ['ratecard.name', 'ratecard.carrier', 'ratecard.mode', 'ratecard.zones', 'ratecard.updated', 'ratecard.export'].map((k) => h('th', { scope: 'col' }, t(k))))),
					h(
						'tbody',
						cards.map((c) =>
							h(
								'tr',
								{ dataset: { id: c.id }, class: c.active === false ? 'muted' : null },
								h('td', c.name, c.active === false ? h('span.muted', ' ', t('ratecard.retired')) : null),
								h('td', c.carrier),
								h('td', te('quote.mode', c.mode)),
								h('td.n', c.zone_count),
								h('td', fmtTime(c.updated_at || c.created_at, 'short')),
								h('td', h('a.export', { href: `/api/v1/rate-cards/${c.id}?format=csv`, download: `${c.name}.csv` }, 'CSV'))
							)
						)
					)
				)
			: h('p.muted', t('ratecard.none')),
		form
	);
}
