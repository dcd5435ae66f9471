// router.js - a tiny hash router.
//
// Routes are [pattern, loader] pairs; a pattern like '/tickets/:id'
// matches location.hash '#/tickets/42' and the page gets {id: '42'} plus
// the query after '?' as params.  A page module exports
// render(el, params) and may return a cleanup function, called before
// the next page renders (timers, key handlers); el is a fresh element per
// navigation, so a slow page never draws over the one that replaced it.

export function parseHash(hash) {
	const raw = (hash || '').replace(/^#/, '') || '/';
	const [path, qs = ''] = raw.split('?');
	return { path, query: Object.fromEntries(new URLSearchParams(qs)) };
}

/** {params} when pattern matches path, else null. */
export function match(pattern, path) {
	const a = pattern.split('/').filter(Boolean);
	const b = path.split('/').filter(Boolean);
	if (a.length !== b.length) return null;
	const params = {};
	for (let i = 0; i < a.length; i++) {
		if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
		else if (a[i] !== b[i]) return null;
	}
	return params;
}

export function makeRouter(routes, mount, notFound) {
	let cleanup = null;
	let seq = 0;
	async function go() {
		const my = ++seq;
		const { path, query } = parseHash(location.hash);
		if (typeof cleanup === 'function') cleanup();
		cleanup = null;
		for (const [pattern, load] of routes) {
			const params = match(pattern, path);
			if (!params) continue;
			const mod = await load();
			if (my !== seq) return;
			// A fresh element per navigation: a page still rendering when the
			// user moves on writes into a detached element, never over the next.
			const el = document.createElement('div');
			el.className = 'route';
			mount(pattern).replaceChildren(el);
			const done = await mod.render(el, { ...query, ...params }, query);
			if (my === seq) cleanup = done;
			else if (typeof done === 'function') done();
			return;
		}
		notFound(path);
	}
	window.addEventListener('hashchange', go);
	return { go };
}

export function navigate(hash) {
	if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
	else location.hash = hash;
}

/** The tracking number in a /track/<number> path ('' when none). */
export function trackNumber(p) {
	const m = /^\/track\/([^/]+)\/?$/.exec(p);
	if (!m) return '';
	try {
		return decodeURIComponent(m[1]).trim();
	} catch {
		return '';
	}
}
