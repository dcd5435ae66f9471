/*
 * fuzz_head.c - libFuzzer harness for http/head.c (head_check), the check
 * of raw request heads from the network.  Checks: no crash, no read past
 * the input, a status from the documented set, a valid head's length
 * within the input, and the same verdict on the head alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/head.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct head_result r;
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size); /* an exact-size copy: ASan sees any read past it */
	int rc = head_check(s, size, &r);
	if (rc != 0 && rc != 1 && rc != 400 && rc != 413 && rc != 414 && rc != 431 && rc != 505)
		abort();
	if (rc > 1 && !r.message)
		abort();
	if (rc == 1) {
		struct head_result again;
		if (r.len == 0 || r.len > size || head_check(s, r.len, &again) != 1 || again.len != r.len)
			abort();
	}
	free(s);
	return 0;
}
