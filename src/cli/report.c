/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

int cli_report(const struct cg_profile *p, const struct cg_table *t,
	       enum cg_output_format fmt, FILE *out)
{
	(void)p;
	(void)t;
	(void)fmt;
	(void)out;
	die(CG_EXIT_FAILURE, "report: not built yet");
}
