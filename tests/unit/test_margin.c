/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* margin: the families of related calls (data/families.txt) and the
 * relatives they bring to a set of observed calls. */
#include "testutil.h"

#include "groups.h"
#include "margin.h"

static void test_families_are_data(void **state)
{
	(void)state;
	/* Every line of data/families.txt that is no comment is a family. */
	_cleanup_free_ char *text = slurp("data/families.txt", NULL);
	size_t lines = 0;
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (*l != '#' && *l != '\n')
			lines++;
	assert_int_equal(cg_family_count(), lines);
	for (size_t i = 0; i < cg_family_count(); i++) {
		const struct cg_family *f = cg_family_get(i);
		assert_true(f->ncalls >= 1);
		assert_true(strlen(f->source) > 10);
		assert_null(f->calls[f->ncalls]);
	}
	assert_null(cg_family_get(cg_family_count()));
	/* Every member is a call the newest shipped systemd knows, or one its
	 * libseccomp could not resolve yet (checked at build time against
	 * all tables; here against the newest). */
	const struct cg_table *t = cg_table_builtin_newest();
	_cleanup_set_ struct cg_set *known = cg_set_new();
	cg_table_known(t, known);
	for (size_t i = 0; i < t->nunresolved; i++)
		cg_set_add(known, cg_intern(t->unresolved[i]));
	for (size_t i = 0; i < cg_family_count(); i++)
		for (size_t j = 0; j < cg_family_get(i)->ncalls; j++)
			if (!cg_set_has(known, cg_intern(cg_family_get(i)->calls[j])))
				fail_msg("%s is not known to systemd %s",
					 cg_family_get(i)->calls[j], t->version);
}

static void test_relatives(void **state)
{
	(void)state;
	_cleanup_set_ struct cg_set *used = cg_set_new();
	cg_set_add_words(used, "openat newfstatat clone read");
	_cleanup_set_ struct cg_set *rel = cg_set_new();
	cg_margin_relatives(used, rel);
	/* The relatives the issue names: the other ways to open, stat, spawn. */
	const char *want[] = {"open",  "openat2", "creat",  "stat", "fstat",
			      "lstat", "statx",	  "clone3", "fork", "vfork"};
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		if (!cg_set_has(rel, cg_intern(want[i])))
			fail_msg("%s missing from the relatives", want[i]);
	assert_int_equal(cg_set_size(rel), ELEMENTSOF(want));
	/* Nothing observed is its own relative; read has no family. */
	assert_false(cg_set_has(rel, cg_intern("openat")));
	assert_false(cg_set_has(rel, cg_intern("read")));

	/* Why clone3 came along: the spawn family, because of clone. */
	const struct cg_family *f = cg_margin_family(cg_intern("clone3"), used);
	assert_non_null(f);
	assert_string_equal(f->name, "spawn");
	assert_string_equal(cg_name_str(cg_margin_reason(f, cg_intern("clone3"), used)), "clone");
	assert_null(cg_margin_family(cg_intern("read"), used));
	/* setitimer (redis 7) comes along with alarm (redis 6). */
	cg_set_clear(used);
	cg_set_add_words(used, "alarm");
	cg_set_clear(rel);
	cg_margin_relatives(used, rel);
	assert_true(cg_set_has(rel, cg_intern("setitimer")));
	/* An empty profile has no relatives. */
	cg_set_clear(used);
	cg_set_clear(rel);
	cg_margin_relatives(used, rel);
	assert_true(cg_set_empty(rel));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families_are_data),
		cmocka_unit_test(test_relatives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
