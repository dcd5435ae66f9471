// admin_forms.js - the pure parts of the admin editing forms (no DOM):
// weekly hours as one line of text per weekday, SLA policy bodies from
// form values (hours typed, seconds sent), team member skills, and where
// an API error's field lands in the form.

/** API field -> form control name, for showError(). */
export const POLICY_ALIASES = { first_response_s: 'first_response_h', next_response_s: 'next_response_h', resolution_s: 'resolution_h' };

/** hours [{weekday, start, end}] -> 7 strings "09:00-12:00, 13:00-18:00" (Sunday first; '' = closed). */
export function formatHours(hours) {
	const out = ['', '', '', '', '', '', ''];
	const sorted = [...(hours || [])].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
	for (const x of sorted) out[x.weekday] = out[x.weekday] ? `${out[x.weekday]}, ${x.start}-${x.end}` : `${x.start}-${x.end}`;
	return out;
}

/**
 * 7 strings (Sunday first) -> [{weekday, start, end}].  Intervals are
 * separated by commas, semicolons or spaces; start and end by -, – or ~.
 * H:MM is padded to HH:MM.  A piece that is not two times throws
 * {field: 'hours_<weekday>', bad: piece}; the API checks the times.
 */
export function parseHours(texts) {
	const out = [];
	const pad = (s) => (/^\d:\d\d$/.test(s) ? '0' + s : s);
	texts.forEach((text, weekday) => {
		for (const piece of String(text || '')
			.split(/[,;，；\s]+/)
			.filter(Boolean)) {
			const m = /^(\d{1,2}:\d{2})[-–~](\d{1,2}:\d{2})$/.exec(piece);
			if (!m) throw Object.assign(new Error(piece), { field: `hours_${weekday}`, bad: piece });
			out.push({ weekday, start: pad(m[1]), end: pad(m[2]) });
		}
	});
	return out;
}

/** "1.5" hours -> 5400 seconds; '' -> 0; anything else is sent as typed for the API to refuse. */
export function hoursToSeconds(s) {
	const v = String(s ?? '').trim();
	if (v === '') return 0;
	if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) return v;
	return Math.round(parseFloat(v) * 3600);
}

/** seconds -> the hours shown in an input ('' for none). */
export function secondsToHours(s) {
	if (!s) return '';
	return String(Math.round((s / 3600) * 1000) / 1000);
}

/** A policy body (create and PATCH) from formValues() and the sunset checkbox. */
export function policyBody(v, sunset) {
	const b = {
		name: v.name || '',
		ticket_type: v.ticket_type || '',
		priority: v.priority || '',
		customer_tier: v.customer_tier || '',
		first_response_s: hoursToSeconds(v.first_response_h),
		next_response_s: hoursToSeconds(v.next_response_h),
		resolution_s: hoursToSeconds(v.resolution_h),
		sunset: !!sunset,
	};
	if (v.calendar_id) b.calendar_id = Number(v.calendar_id);
	if (v.rank !== undefined && v.rank !== '') b.rank = /^\d+$/.test(v.rank) ? Number(v.rank) : v.rank;
	return b;
}

/** A team member's skills from form values: languages "zh,en", category_ids "1,5" (spaces dropped). */
export function memberBody(v, active) {
	const list = (s) =>
		String(s || '')
			.split(/[,，\s]+/)
			.filter(Boolean)
			.join(',');
	return { languages: list(v.languages), category_ids: list(v.category_ids), active: !!active };
}

/** An SLA policy as the edit form's control values (strings; sunset a boolean). */
export function policyFormValues(p) {
	return {
		name: p.name || '',
		ticket_type: p.ticket_type || '',
		priority: p.priority || '',
		customer_tier: p.customer_tier || '',
		first_response_h: secondsToHours(p.first_response_s),
		next_response_h: secondsToHours(p.next_response_s),
		resolution_h: secondsToHours(p.resolution_s),
		calendar_id: p.calendar_id == null ? '' : String(p.calendar_id),
		rank: p.rank == null ? '' : String(p.rank),
		sunset: !!p.sunset,
	};
}

/** A calendar as its edit form's control values. */
export function calendarFormValues(cal) {
	const out = { time_zone: cal.time_zone || '' };
	formatHours(cal.hours).forEach((s, d) => (out[`hours_${d}`] = s));
	return out;
}

/**
 * After a 412: the controls to refill from the reloaded record.  base is
 * what the form was filled with, current what it holds now, fresh the
 * record as reloaded; a control the user left alone takes the fresh
 * value, one they edited keeps their edit.
 */
export function mergeReloaded(base, current, fresh) {
	const out = {};
	for (const [k, v] of Object.entries(fresh)) if (current[k] === base[k] && v !== current[k]) out[k] = v;
	return out;
}
