/*
 * fuzz_imap.c - libFuzzer harness for what kefu reads from an IMAP server
 * (channels/imap.c): the input is a server's answer, parsed as a UID list
 * (imap_parse_uids) and as a STATUS line (imap_parse_status), and, as a
 * folder name typed by an admin, encoded to modified UTF-7
 * (imap_folder_encode).  Checks: no crash, no leak, UIDs ascending without
 * repeats and not negative, an encoded name within its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channels/imap.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	int64_t *uids = NULL;
	size_t n = 0;
	if (imap_parse_uids(text, size, &uids, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			if (uids[i] < 0 || (i > 0 && uids[i] <= uids[i - 1]))
				abort();
	}
	free(uids);

	struct imap_status st;
	memset(&st, 0, sizeof(st));
	(void)imap_parse_status(text, size, &st);

	char *name = malloc(size + 1);
	char wire[IMAP_FOLDER_WIRE_MAX];
	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	if (imap_folder_encode(name, wire, sizeof(wire)) == 0 && strlen(wire) >= sizeof(wire))
		abort();
	free(name);
	return 0;
}
