/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The profile, interned names and their sets, and the atomic writer. */
#include "testutil.h"

#include <sys/stat.h>

#include "profile.h"

static void test_intern(void **state)
{
	(void)state;
	cg_name a = cg_intern("read");
	assert_int_equal(cg_intern("read"), a);
	assert_int_equal(cg_intern_n("readv", 4), a);
	assert_string_equal(cg_name_str(a), "read");
	assert_int_equal(cg_name_lookup("read", 4), a);
	assert_int_equal(cg_name_lookup("never_interned_name", 19), CG_NAME_NONE);
	/* Many names: the table grows and keeps every id. */
	char buf[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(buf, sizeof buf, "n%d", i);
		cg_intern(buf);
	}
	assert_int_equal(cg_intern("read"), a);
	assert_int_equal(cg_name_lookup("n4999", 5), cg_intern("n4999"));
}

static void test_sets(void **state)
{
	(void)state;
	_cleanup_set_ struct cg_set *a = cg_set_new(), *b = cg_set_new();
	cg_set_add_words(a, "read, write\nopenat  close");
	cg_set_add_words(b, "read write");
	assert_int_equal(cg_set_size(a), 4);
	assert_true(cg_set_is_subset(b, a));
	assert_false(cg_set_is_subset(a, b));
	assert_int_equal(cg_set_intersect_size(a, b), 2);
	_cleanup_set_ struct cg_set *c = cg_set_dup(a);
	cg_set_subtract(c, b);
	const char **v;
	size_t n = cg_set_sorted(c, &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "close");
	assert_string_equal(v[1], "openat");
	free(v);
	cg_set_intersect(c, b);
	assert_true(cg_set_empty(c));
	/* A name interned after the set was made lands beyond its words. */
	cg_set_add(c, cg_intern("zz_late_name_for_growth"));
	assert_true(cg_set_has(c, cg_intern("zz_late_name_for_growth")));
	cg_set_union(b, c);
	assert_int_equal(cg_set_size(b), 3);
	size_t count = 0;
	for (cg_name x = 0; cg_set_next(b, &x); x++)
		count++;
	assert_int_equal(count, 3);
	cg_set_remove(b, cg_intern("read"));
	assert_false(cg_set_has(b, cg_intern("read")));
}

static void test_profile_merge(void **state)
{
	(void)state;
	_cleanup_profile_ struct cg_profile *p = cg_profile_new(), *q = cg_profile_new();
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("read"), 5, 1);
	cg_profile_add(p, CG_ABI_I386, cg_intern("read"), 2, 0);
	cg_profile_add(q, CG_ABI_X86_64, cg_intern("read"), 1, 1);
	cg_profile_add(q, CG_ABI_X86_64, cg_intern("write"), 9, 0);
	cg_profile_merge(p, q);
	assert_int_equal(cg_profile_count(p), 3);
	const struct cg_profile_entry *e = cg_profile_find(p, CG_ABI_X86_64, cg_intern("read"));
	assert_non_null(e);
	assert_int_equal(e->calls, 6);
	assert_int_equal(e->errors, 2);
	assert_int_equal(cg_profile_find(p, CG_ABI_I386, cg_intern("read"))->calls, 2);
	assert_null(cg_profile_find(p, CG_ABI_X32, cg_intern("read")));
	assert_int_equal(cg_profile_abis(p), (1u << CG_ABI_X86_64) | (1u << CG_ABI_I386));
	assert_int_equal(cg_profile_total_calls(p), 17);
	assert_int_equal(cg_profile_total_errors(p), 2);
	cg_profile_sort(p, CG_ORDER_CALLS);
	assert_string_equal(cg_name_str(cg_profile_at(p, 0)->name), "write");
	assert_int_equal(cg_profile_at(p, 2)->abi, CG_ABI_I386);
	/* still findable after sorting */
	assert_int_equal(cg_profile_find(p, CG_ABI_X86_64, cg_intern("write"))->calls, 9);
	cg_profile_sort(p, CG_ORDER_NAME);
	assert_string_equal(cg_name_str(cg_profile_at(p, 0)->name), "read");
	/* Many entries: the index grows. */
	char buf[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof buf, "call%d", i);
		cg_profile_add(p, CG_ABI_X86_64, cg_intern(buf), 1, 0);
	}
	assert_int_equal(cg_profile_count(p), 3003);
	assert_int_equal(cg_profile_find(p, CG_ABI_X86_64, cg_intern("call1234"))->calls, 1);
}

static void test_atomic_write(void **state)
{
	(void)state;
	char dir[] = "/tmp/cg-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/out.txt", dir);
	struct cg_error e = {0};
	assert_int_equal(cg_write_file_atomic(path, "hello\n", 6, &e), 0);
	char *text;
	size_t len;
	assert_int_equal(cg_read_file(path, &text, &len, &e), 0);
	assert_int_equal(len, 6);
	assert_string_equal(text, "hello\n");
	free(text);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	/* not mkstemp's 0600: the mode any new file of the user gets */
	mode_t um = umask(0);
	umask(um);
	assert_int_equal(st.st_mode & 0777, 0666 & ~um);
	/* A directory that does not exist: an error naming the path, and
	 * nothing left behind. */
	char bad[96];
	snprintf(bad, sizeof bad, "%s/no/such/dir/out.txt", dir);
	assert_true(cg_write_file_atomic(bad, "x", 1, &e) < 0);
	assert_string_equal(e.file, bad);
	assert_true(cg_read_file("/nonexistent/x", &text, &len, &e) < 0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_profile_merge),
		cmocka_unit_test(test_atomic_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
