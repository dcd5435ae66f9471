// conflict.js - the one answer to a stale edit (412 Precondition Failed):
// every form that saves with If-Match runs its save through saveOrReload.
// On a 412 it reloads the record, lets the caller put the newer values in
// the controls the user left alone (the ones they edited keep their edits:
// mergeReloaded in pages/admin_forms.js), takes the new ETag, and throws an
// ApiError that shows at the form's top, so saving again applies the
// user's edits over the newer record.

import { ApiError } from './api.js';
import { t } from './i18n.js';

/**
 * rec: {data, etag} of the record being edited (updated in place after a
 * reload).  send(etag) saves; reload() -> {data, etag}; onReloaded(fresh,
 * old) refreshes the form from fresh.data (old = the data the form was
 * filled from).  message: the i18n key of the conflict message.
 */
export async function saveOrReload(rec, send, reload, onReloaded, message = 'admin.conflict') {
	try {
		return await send(rec.etag);
	} catch (e) {
		if (e.status !== 412) throw e;
		const fresh = await reload();
		await onReloaded(fresh, rec.data);
		rec.etag = fresh.etag;
		rec.data = fresh.data;
		throw new ApiError(412, e.code, t(message), null);
	}
}
