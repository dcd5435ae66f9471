// admin_calendars.js - business calendars: weekly hours and time zone,
// holidays and make-up workdays, rename/delete, and an SLA preview that
// shows a holiday moving a due time.

import { api, ApiError, get } from '../api.js';
import { clear, field, formValues, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { navigate } from '../router.js';
import { calendarFormValues, formatHours, parseHours } from './admin_forms.js';
import { createForm, PRIORITIES, renameForm, saveEdit, table, TYPES } from './admin_common.js';

export async function calendars(body, params, redraw) {
	const list = await get('/api/v1/calendars', { limit: 200 });
	const id = Number(params.cal) || list.items[0]?.id;
	const picker = select('cal', list.items.map((c) => [c.id, c.name]), id, { 'aria-label': t('admin.calendar') });
	picker.addEventListener('change', () => (location.hash = `#/admin/calendars?cal=${picker.value}`));
	const create = createForm(
		t('admin.add_calendar'),
		[field(t('admin.name'), h('input', { name: 'name', required: true })), field(t('admin.time_zone'), h('input', { name: 'time_zone', value: 'Asia/Shanghai', required: true }))],
		async (form) => {
			const { data } = await api('POST', '/api/v1/calendars', { body: formValues(form) });
			toast(t('action.saved'));
			location.hash = `#/admin/calendars?cal=${data.id}`;
		}
	);
	if (!id) return clear(body, h('h1', t('admin.calendars')), h('p.muted', t('admin.none')), create);
	const { data: cal, etag } = await api('GET', `/api/v1/calendars/${id}`);
	const holidays = [...(cal.holidays || [])].sort((a, b) => a.date.localeCompare(b.date));
	const delBtn = (x) =>
		h(
			'button.link',
			{
				type: 'button',
				'aria-label': t('admin.remove_holiday', { date: x.date }),
				on: {
					click: async () => {
						try {
							await api('DELETE', `/api/v1/calendars/${id}/holidays/${x.id}`);
							toast(t('action.saved'));
							redraw();
						} catch (e) {
							toast(e.message, 'error');
						}
					},
				},
			},
			t('action.delete')
		);
	const add = createForm(
		t('admin.add_holiday'),
		[
			field(t('admin.date'), h('input', { name: 'date', type: 'date', required: true })),
			field(t('admin.kind'), select('kind', [['holiday', t('holiday.holiday')], ['workday', t('holiday.workday')]], 'holiday')),
			field(t('admin.name'), h('input', { name: 'name' })),
		],
		async (form) => {
			await api('POST', `/api/v1/calendars/${id}/holidays`, { body: formValues(form) });
			toast(t('action.saved'));
			redraw();
		}
	);
	clear(
		body,
		h('h1', t('admin.calendars')),
		h('div.row', picker, h('span.muted', cal.time_zone)),
		h(
			'div.two',
			h('div', calendarForm(cal, etag, redraw), await slaPreview(id)),
			h(
				'div',
				h(
					'section.panel',
					h('h2', t('admin.holidays')),
					holidays.length ? table([t('admin.date'), t('admin.kind'), t('admin.name'), ''], holidays.map((x) => [x.date, t(`holiday.${x.kind}`), x.name, delBtn(x)])) : h('p.muted', t('admin.none'))
				),
				add,
				renameForm('calendar', `/api/v1/calendars/${id}`, { onSaved: redraw, onDeleted: () => navigate('#/admin/calendars') }),
				create
			)
		)
	);
}

/** Due times a new contact would get now, under the policy the API picks. */
async function slaPreview(calId) {
	const box = h('div.preview');
	const form = h(
		'form.panel.sla-preview',
		h('h2', t('admin.preview')),
		h(
			'div.row',
			select('type', TYPES.map((x) => [x, te('type', x)]), 'complaint', { 'aria-label': t('filter.type') }),
			select('priority', PRIORITIES.map((x) => [x, te('priority', x)]), 'normal', { 'aria-label': t('filter.priority') }),
			select('tier', ['A', 'B', 'C'].map((x) => [x, t('customer.tier', { tier: x })]), 'C', { 'aria-label': t('admin.tier') }),
			h('input', { name: 'at', type: 'datetime-local', 'aria-label': t('admin.at') })
		),
		box
	);
	const run = async () => {
		const v = formValues(form);
		const q = { type: v.type, priority: v.priority, tier: v.tier };
		if (v.at) q.at = Math.floor(new Date(v.at).getTime() / 1000);
		try {
			const p = await get('/api/v1/sla/preview', q);
			clear(
				box,
				h(
					'dl.kv',
					h('dt', t('admin.policy')),
					h('dd', p.policy.name, p.policy.calendar_id !== calId ? h('span.muted', ' ', t('admin.other_calendar')) : null),
					h('dt', t('sla.first_response')),
					h('dd.due-first', fmtTime(p.first_response_due_at) || '—'),
					h('dt', t('sla.resolution')),
					h('dd.due-resolution', fmtTime(p.resolution_due_at) || '—')
				)
			);
		} catch (e) {
			clear(box, h('p.form-error', e.message));
		}
	};
	form.addEventListener('change', run);
	form.addEventListener('submit', (e) => (e.preventDefault(), run()));
	await run();
	return form;
}

const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** Weekly hours (one line per weekday) and the time zone of calendar cal. */
function calendarForm(cal, etag, redraw) {
	const rec = { etag, data: cal };
	const texts = formatHours(cal.hours);
	const days = [1, 2, 3, 4, 5, 6, 0].map((d) => field(t(`weekday.${d}`), h('input', { name: `hours_${d}`, value: texts[d], placeholder: t('admin.closed') })));
	const hoursSet = h('fieldset', { name: 'hours', id: `cal-${cal.id}-hours` }, h('legend', t('admin.hours')), h('div.hint', t('admin.hours_hint')), days);
	const hoursErr = h('div.field-error', { id: `${hoursSet.id}-err`, role: 'alert' });
	hoursSet.setAttribute('aria-describedby', hoursErr.id);
	const zones = h(
		'datalist',
		{ id: `cal-${cal.id}-zones` },
		ZONES.map((z) => h('option', { value: z }))
	);
	const form = h(
		'form.panel.cal-edit',
		h('h2', t('admin.edit_calendar')),
		field(t('admin.time_zone'), h('input', { name: 'time_zone', value: cal.time_zone, list: zones.id, required: true, autocomplete: 'off' })),
		zones,
		hoursSet,
		hoursErr,
		h('button.primary', { type: 'submit' }, t('action.save'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = formValues(form);
			let hours;
			try {
				hours = parseHours([0, 1, 2, 3, 4, 5, 6].map((d) => v[`hours_${d}`] || ''));
			} catch (err) {
				throw new ApiError(400, 'invalid', t('admin.hours_bad', { piece: err.bad }), err.field);
			}
			await saveEdit(
				rec,
				form,
				calendarFormValues,
				(tag) => api('PATCH', `/api/v1/calendars/${cal.id}`, { body: v.time_zone ? { time_zone: v.time_zone, hours } : { hours }, etag: tag }),
				() => api('GET', `/api/v1/calendars/${cal.id}`)
			);
			toast(t('action.saved'));
			redraw();
		});
	});
	return form;
}
