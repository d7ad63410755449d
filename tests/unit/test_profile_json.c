/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* callgroups' JSON profiles (profile_json.h): whole documents only, the
 * call entries of their lists, and the "evidence" member's round trip. */
#include "testutil.h"

#include "profile_json.h"

static void putp(json_object **j)
{
	if (*j)
		json_object_put(*j);
}

static void test_parse(void **state)
{
	(void)state;
	const char *err;
	size_t off;
	__attribute__((cleanup(putp))) json_object *j =
		cg_profile_json_parse("{\"a\": 1}\n \n", 11, &err, &off);
	assert_non_null(j);
	static const struct {
		const char *text, *err;
		size_t off;
	} bad[] = {
		{"{\"a\": 1} x", NULL, 0}, /* json-c: "unexpected character" */
		{"{\"a\": ", "the JSON ends too early", 6},
		{"{\"a\": }", NULL, 0},
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		json_object *k =
			cg_profile_json_parse(bad[i].text, strlen(bad[i].text), &err, &off);
		assert_null(k);
		assert_non_null(err);
		if (bad[i].err) {
			assert_string_equal(err, bad[i].err);
			assert_int_equal(off, bad[i].off);
		}
	}
}

static void test_entries(void **state)
{
	(void)state;
	__attribute__((cleanup(putp))) json_object *c =
		cg_profile_json_call(CG_ABI_I386, cg_intern("socketcall"));
	json_object_object_add(c, "calls", json_object_new_int64(3));
	struct cg_profile_json_entry x;
	struct cg_error e = {0};
	assert_int_equal(cg_profile_json_entry(c, "calls", 0, "f.json", false, &x, &e), 0);
	assert_int_equal(x.abi, CG_ABI_I386);
	assert_string_equal(x.name, "socketcall");
	assert_true(x.calls == 3 && x.errors == 0);

	/* An unnamed number: null, taken only where the list allows it. */
	__attribute__((cleanup(putp))) json_object *u =
		cg_profile_json_call(CG_ABI_X86_64, CG_NAME_NONE);
	json_object_object_add(u, "calls", json_object_new_int64(1));
	assert_int_equal(cg_profile_json_entry(u, "denied", 0, "f.json", true, &x, &e), 0);
	assert_null(x.name);
	assert_int_equal(cg_profile_json_entry(u, "calls", 2, "f.json", false, &x, &e), -EINVAL);
	assert_string_equal(e.file, "f.json");
	assert_non_null(strstr(e.msg, "calls[2].syscall"));

	static const char *const bad[] = {
		"[]",
		"{\"abi\": \"arm\", \"syscall\": \"read\", \"calls\": 1}",
		"{\"abi\": \"x86-64\", \"syscall\": \"read\", \"calls\": -1}",
		"{\"abi\": \"x86-64\", \"syscall\": \"read\", \"calls\": 1, \"errors\": \"2\"}",
		"{\"abi\": \"x86-64\", \"syscall\": \"Read\", \"calls\": 1}",
		"{\"abi\": \"x86-64\", \"syscall\": \"9read\", \"calls\": 1}",
		"{\"abi\": \"x86-64\", \"syscall\": \"read\"}",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		const char *err;
		size_t off;
		json_object *b = cg_profile_json_parse(bad[i], strlen(bad[i]), &err, &off);
		assert_non_null(b);
		if (cg_profile_json_entry(b, "calls", i, "bad.json", true, &x, &e) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		json_object_put(b);
	}
}

static void test_evidence(void **state)
{
	(void)state;
	_cleanup_evidence_ struct cg_evidence *ev = cg_evidence_new();
	assert_null(cg_profile_json_evidence(ev)); /* nothing to say */
	cg_evidence_input(ev, CG_FACT_ALL);
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, cg_intern("socket"), 2, 5, 42,
			"node");
	__attribute__((cleanup(putp))) json_object *lines = cg_profile_json_evidence(ev);
	assert_non_null(lines);
	_cleanup_evidence_ struct cg_evidence *back = cg_evidence_new();
	struct cg_error e = {0};
	assert_int_equal(cg_profile_json_read_evidence(lines, "s.json", back, &e), 0);
	assert_int_equal(cg_evidence_inputs(back), 1);
	assert_int_equal(cg_evidence_count(back), 1);
	const struct cg_fact *f = cg_evidence_at(back, 0);
	assert_true(f->value == 2 && f->count == 5 && f->pid == 42);
	assert_string_equal(f->comm, "node");

	json_object_array_add(lines, json_object_new_string("socket x86-64 nonsense"));
	_cleanup_evidence_ struct cg_evidence *bad = cg_evidence_new();
	assert_int_equal(cg_profile_json_read_evidence(lines, "s.json", bad, &e), -EINVAL);
	assert_string_equal(e.file, "s.json");
	assert_non_null(strstr(e.msg, "evidence["));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_evidence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
