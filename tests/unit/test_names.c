/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* names: the "did you mean" matcher (the interner and sets are exercised by
 * every other test). */
#include "testutil.h"

#include "names.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(cg_name_distance("", ""), 0);
	assert_int_equal(cg_name_distance("", "abc"), 3);
	assert_int_equal(cg_name_distance("abc", ""), 3);
	assert_int_equal(cg_name_distance("chown", "chown"), 0);
	assert_int_equal(cg_name_distance("chwon", "chown"), 1);   /* a swap costs one */
	assert_int_equal(cg_name_distance("chown", "fchown"), 1);  /* insertion */
	assert_int_equal(cg_name_distance("fchown", "chown"), 1);  /* deletion */
	assert_int_equal(cg_name_distance("getuid", "setgid"), 2); /* substitutions */
	assert_int_equal(cg_name_distance("eperm", "EPERM"), 0);   /* case does not count */
	assert_int_equal(cg_name_distance("@system-servce", "@system-service"), 1);
	assert_int_equal(cg_name_distance("ca", "abc"), 3); /* optimal string alignment */
	assert_int_equal(cg_name_distance("kitten", "sitting"), 3);
}

static size_t similar(const char *word, const char *const *cands, const char **out, size_t max)
{
	size_t n = 0;
	while (cands[n])
		n++;
	return cg_names_similar(word, cands, n, out, max);
}

static void test_similar(void **state)
{
	(void)state;
	static const char *const groups[] = {
		"@default", "@basic-io", "@chown",	    "@clock",	"@file-system", "@io-event",
		"@ipc",	    "@mount",	 "@system-service", "@swap",	"@sync",	"@setuid",
		"@signal",  "@sandbox",	 "@timer",	    "@process", "@privileged",	NULL};
	const char *out[4];

	assert_int_equal(similar("@system-servce", groups, out, 4), 1);
	assert_string_equal(out[0], "@system-service");
	/* Only the nearest are kept: @sync is one away, @swap two. */
	assert_int_equal(similar("@synd", groups, out, 4), 1);
	assert_string_equal(out[0], "@sync");
	/* Ties come alphabetically. */
	assert_int_equal(
		similar("lount", (const char *[]){"mount", "fount", "count", NULL}, out, 4), 3);
	assert_string_equal(out[0], "count");
	assert_string_equal(out[1], "fount");
	assert_string_equal(out[2], "mount");
	/* A name cut short: prefix matches when nothing is near. */
	assert_int_equal(similar("@system", groups, out, 4), 1);
	assert_string_equal(out[0], "@system-service");
	assert_int_equal(similar("@s", groups, out, 4), 0); /* too short to guess */
	/* Far from everything. */
	assert_int_equal(similar("@bogus", groups, out, 4), 0);
	/* The word itself is no suggestion. */
	assert_int_equal(similar("@mount", groups, out, 4), 0);
	/* max is respected. */
	assert_int_equal(similar("@s", (const char *[]){"@sa", "@sb", "@sc", NULL}, out, 2), 2);

	/* Short words allow one slip only; long ones up to three. */
	static const char *const calls[] = {
		"read", "ready", "chown", "chroot", "sched_getaffinity", "sched_setaffinity",
		"read", NULL};
	assert_int_equal(similar("rd", calls, out, 4), 0);
	assert_int_equal(similar("raed", calls, out, 4), 1); /* duplicates count once */
	assert_string_equal(out[0], "read");
	assert_int_equal(similar("shed_getafinity", calls, out, 4), 1);
	assert_string_equal(out[0], "sched_getaffinity");
	assert_int_equal(similar("chwon", calls, out, 4), 1);
	assert_string_equal(out[0], "chown");
}

static void test_did_you_mean(void **state)
{
	(void)state;
	static const char *const c[] = {"native", "x86-64", "x86", "x32"};
	char *s = cg_names_did_you_mean("nativ", c, ELEMENTSOF(c));
	assert_string_equal(s, " (did you mean native?)");
	free(s);
	s = cg_names_did_you_mean("x36", c, ELEMENTSOF(c));
	assert_string_equal(s, " (did you mean x32 or x86?)");
	free(s);
	s = cg_names_did_you_mean("arm64", c, ELEMENTSOF(c));
	assert_string_equal(s, "");
	free(s);
	static const char *const d[] = {"ab1", "ab2", "ab3", "ab4"};
	s = cg_names_did_you_mean("ab", d, ELEMENTSOF(d));
	assert_string_equal(s, " (did you mean ab1, ab2 or ab3?)");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_similar),
		cmocka_unit_test(test_did_you_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
