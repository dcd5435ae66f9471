// help.js - the keyboard shortcut sheet ('?').

import { h } from '../dom.js';
import { t } from '../i18n.js';

export const KEYS = [
	['j / k', 'keys.next_prev'],
	['o / Enter', 'keys.open'],
	['r', 'keys.reply'],
	['n', 'keys.note'],
	['a', 'keys.assign'],
	['e', 'keys.resolve'],
	['u', 'keys.back'],
	['c', 'keys.new_ticket'],
	['/', 'keys.search'],
	['Ctrl+Enter', 'keys.send'],
	['?', 'keys.help'],
];

export function show() {
	if (document.getElementById('help')) return;
	const close = () => dlg.remove();
	const dlg = h(
		'dialog#help',
		{ 'aria-labelledby': 'help-title', on: { close } },
		h('h2#help-title', t('keys.title')),
		h('table', h('tbody', KEYS.map(([k, d]) => h('tr', h('td', h('kbd', k)), h('td', t(d)))))),
		h('button', { type: 'button', on: { click: close } }, t('action.close'))
	);
	document.body.append(dlg);
	dlg.showModal();
}
