// api.js - the one way the pages talk to kefu's API.
//
// api(method, path, opts) sends JSON, the session's CSRF token on writes,
// the chosen language as Accept-Language and If-Match when an ETag is
// given; it resolves to {data, etag, status} and rejects with an ApiError
// carrying the server's {code, message, field, details}.  A 401 on a staff call
// sends the user to the sign-in page (the portal handles its own).

import { lang } from './i18n.js';

let csrf = '';
let onUnauthorised = null;

export function setCsrf(token) {
	csrf = token || '';
}

export function setUnauthorisedHandler(fn) {
	onUnauthorised = fn;
}

export class ApiError extends Error {
	constructor(status, code, message, field, details) {
		super(message);
		this.status = status;
		this.code = code;
		this.field = field || null;
		this.details = details && typeof details === 'object' ? details : {};
	}
}

/** path plus a query string made of the non-empty values of q. */
export function withQuery(path, q = {}) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
	const s = p.toString();
	return s ? `${path}?${s}` : path;
}

/**
 * opts: body (object, sent as JSON; or a Blob/File sent raw), etag (If-Match),
 * query (object), headers (more), quiet401 (do not redirect).
 */
export async function api(method, path, opts = {}) {
	const headers = { Accept: 'application/json', 'Accept-Language': lang(), ...(opts.headers || {}) };
	let body;
	if (opts.body instanceof Blob) {
		body = opts.body;
		headers['Content-Type'] = opts.body.type || 'application/octet-stream';
	} else if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers['Content-Type'] = 'application/json';
	}
	if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
	if (opts.etag) headers['If-Match'] = opts.etag;
	let r;
	try {
		r = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin' });
	} catch (e) {
		throw new ApiError(0, 'network', String(e.message || e), null);
	}
	const text = r.status === 204 ? '' : await r.text();
	let data = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = null;
	}
	if (!r.ok) {
		if (r.status === 401 && onUnauthorised && !opts.quiet401) onUnauthorised();
		const e = (data && data.error) || {};
		throw new ApiError(r.status, e.code || 'http_' + r.status, e.message || r.statusText, e.field, e.details);
	}
	return { data, etag: r.headers.get('ETag'), status: r.status };
}

export const get = (path, query, opts = {}) => api('GET', path, { ...opts, query }).then((r) => r.data);
