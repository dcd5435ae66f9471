// dom.js - small helpers to build elements and show form errors.
//
// h('tag.class#id', {attrs, on: {click}}, ...children) builds an element;
// strings become text nodes (never HTML).  showError(form, err) puts an
// API error next to the field it names (aria-invalid + a message under
// it) or at the form's top; nothing the user typed is touched.

import { t } from './i18n.js';

export function h(spec, attrs, ...kids) {
	const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
	const el = document.createElement((m && m[1]) || 'div');
	for (const part of ((m && m[2]) || '').match(/[.#][\w-]+/g) || []) {
		if (part[0] === '.') el.classList.add(part.slice(1));
		else el.id = part.slice(1);
	}
	if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
		kids.unshift(attrs);
		attrs = null;
	}
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else if (k === 'value') el.value = v;
		else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = !!v;
		else el.setAttribute(k, v === true ? '' : v);
	}
	append(el, kids);
	return el;
}

function append(el, kids) {
	for (const k of kids.flat(Infinity)) {
		if (k === null || k === undefined || k === false) continue;
		el.append(k instanceof Node ? k : document.createTextNode(String(k)));
	}
}

export function clear(el, ...kids) {
	el.replaceChildren();
	append(el, kids);
	return el;
}

let fieldSeq = 0;

/** A labelled form field: input (or select/textarea given as el) with an error slot. */
export function field(label, input, hint) {
	if (!input.id) input.id = `f${++fieldSeq}`;
	const err = h('div.field-error', { id: `${input.id}-err`, role: 'alert' });
	input.setAttribute('aria-describedby', err.id);
	return h('div.field', h('label', { for: input.id }, label), input, hint ? h('div.hint', hint) : null, err);
}

/** <select> with [value, label] options and one selected. */
export function select(name, options, selected, attrs = {}) {
	return h(
		'select',
		{ name, ...attrs },
		options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(selected ?? '') }, l))
	);
}

export function clearErrors(form) {
	for (const e of form.querySelectorAll('.field-error, .form-error')) e.textContent = '';
	for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

/**
 * Show an ApiError in form: next to the control named err.field (also
 * tried as a dotted/aliased name), else in the form's .form-error; when
 * err.details.fields names several fields, all are marked invalid and the
 * message (naming them all) is at the top.  The control is focused; its
 * value is left alone.
 */
export function showError(form, err, aliases = {}) {
	clearErrors(form);
	const msg = err.message || t('error.generic');
	const control = (f) => {
		const n = aliases[f] || f;
		return n ? form.querySelector(`[name="${CSS.escape(n)}"]`) : null;
	};
	// Several fields named in details.fields (every missing one): each is marked, the message (which
	// names them all) goes to the top of the form, the first is focused.
	const listed = Array.isArray(err.details?.fields) ? [...new Set([err.field, ...err.details.fields].filter(Boolean))] : [];
	if (listed.length > 1) {
		const ctls = listed.map(control).filter(Boolean);
		for (const c of ctls) {
			c.setAttribute('aria-invalid', 'true');
			// each field also says so beside itself, so the reader sees which ones
			const slot = c.id && form.querySelector(`#${CSS.escape(c.id)}-err`);
			if (slot) slot.textContent = err.code === 'required' ? t('error.fill_in') : msg;
		}
		showTop(form, msg);
		ctls[0]?.focus();
		return;
	}
	const ctl = control(err.field);
	const slot = ctl && ctl.id && form.querySelector(`#${CSS.escape(ctl.id)}-err`);
	if (ctl && slot) {
		ctl.setAttribute('aria-invalid', 'true');
		slot.textContent = msg;
		ctl.focus();
		return;
	}
	showTop(form, msg);
}

/** msg in the form's .form-error (made at the top when missing). */
function showTop(form, msg) {
	let top = form.querySelector('.form-error');
	if (!top) {
		top = h('div.form-error', { role: 'alert' });
		form.prepend(top);
	}
	top.textContent = msg;
}

/** A passing message in the page's live region. */
export function toast(text, kind = 'ok') {
	const box = document.getElementById('toasts');
	if (!box) return;
	const el = h(`div.toast.${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, text);
	box.append(el);
	setTimeout(() => el.remove(), 4000);
}

/** Disable a form's submit button while fn runs; errors land in the form. */
export async function submitting(form, fn, aliases) {
	const btns = form.querySelectorAll('button[type=submit]');
	btns.forEach((b) => (b.disabled = true));
	clearErrors(form);
	try {
		return await fn();
	} catch (e) {
		showError(form, e, aliases);
		return undefined;
	} finally {
		btns.forEach((b) => (b.disabled = false));
	}
}

/** The form's named values as an object of trimmed strings (empty ones dropped). */
export function formValues(form) {
	const out = {};
	for (const [k, v] of new FormData(form)) {
		if (typeof v !== 'string') continue;
		const s = v.trim();
		if (s !== '') out[k] = s;
	}
	return out;
}
