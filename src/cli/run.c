/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die(CG_EXIT_FAILURE, "not built yet");
}
