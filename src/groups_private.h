/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between groups.c and groups_parse.c only. */
#pragma once

/* Storage of a parsed table: one block of copied text, plus arrays. */
struct arena {
	char *text;
	struct cg_group *groups;
	const char **members;
	const char **unresolved;
	const char **unlisted;
	char *version;
	char *source;
};

