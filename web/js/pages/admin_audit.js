// admin_audit.js - the newest entries of the audit log.

import { get } from '../api.js';
import { clear, h } from '../dom.js';
import { fmtTime, t } from '../i18n.js';
import { table } from './admin_common.js';

export async function audit(body) {
	const list = await get('/api/v1/audit', { limit: 100 });
	clear(body, h('h1', t('admin.audit')), table([t('admin.when'), t('admin.who'), t('admin.action')], list.items.map((a) => [fmtTime(a.at, 'short'), a.actor_name, `${a.action} ${a.object_type}${a.object_id ? ' #' + a.object_id : ''}`])));
}
