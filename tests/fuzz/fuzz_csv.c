/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (base/csv.c) and the
 * value parsers of the import (logistics/import.c): read the input as
 * CSV rows, parse every field as a time and as money, then read it again
 * as JSON lines.  Checks the reader's invariants: fields are
 * NUL-terminated at their length, rows never exceed the cap, line
 * numbers never go backwards.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/err.h"
#include "base/limits.h"
#include "logistics/import.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rows(const char *p, size_t n)
{
	struct csv c;
	struct kf_error err = KF_ERROR_INIT;
	int64_t last = 0, v = 0;
	int rc;
	csv_init_mem(&c, p, n);
	while ((rc = csv_next(&c, &err)) != 0) {
		if (rc < 0 && rc != KF_ETOOBIG)
			break;
		if (rc < 0)
			continue;
		if (c.line < last || c.row_len > KF_MAX_IMPORT_ROW)
			__builtin_trap();
		last = c.line;
		for (int i = 0; i < c.nfields; i++) {
			size_t len;
			const char *f = csv_field(&c, i, &len);
			if (f[len] != '\0')
				__builtin_trap();
			import_parse_time(f, &v);
			import_parse_money(f, i & 1 ? "JPY" : "CNY", &v);
		}
	}
	csv_release(&c);
}

static void check_lines(const char *p, size_t n)
{
	struct csv c;
	struct kf_error err = KF_ERROR_INIT;
	const char *line;
	size_t len;
	int rc;
	csv_init_mem(&c, p, n);
	while ((rc = csv_next_line(&c, &line, &len, &err)) != 0) {
		if (rc < 0 && rc != KF_ETOOBIG)
			break;
		if (rc > 0 && (line[len] != '\0' || memchr(line, '\n', len)))
			__builtin_trap();
	}
	csv_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_rows((const char *)data, size);
	check_lines((const char *)data, size);
	return 0;
}
