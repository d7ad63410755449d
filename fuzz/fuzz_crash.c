// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzzes the seccomp record readers (audit lines, coredump traces). */
#include <stdint.h>
#include <string.h>

#include "crash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	struct cg_crash_record *v = NULL;
	size_t n = 0;
	struct cg_error e = {0};
	if (cg_crash_parse(text, size, "fuzz", &v, &n, &e) == 0)
		for (size_t i = 0; i < n; i++)
			if (v[i].function[0])
				(void)cg_crash_function_syscall(v[i].function);
	free(v);
	free(text);
	return 0;
}
