/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "testutil.h"

#include <errno.h>

#include "abi.h"

static void test_resolve(void **state)
{
	(void)state;
	assert_int_equal(cg_abi_resolve(CG_ABI_X86_64, "read"), 0);
	assert_int_equal(cg_abi_resolve(CG_ABI_I386, "read"), 3);
	assert_int_equal(cg_abi_resolve(CG_ABI_X32, "read"), CG_X32_SYSCALL_BIT);
	assert_int_equal(cg_abi_resolve(CG_ABI_X86_64, "socketcall"), -1);
	assert_int_equal(cg_abi_resolve(CG_ABI_I386, "socketcall"), 102);
	assert_string_equal(cg_name_str(cg_abi_syscall_name(CG_ABI_X86_64, 92)), "chown");
	assert_string_equal(cg_name_str(cg_abi_syscall_name(CG_ABI_I386, 192)), "mmap2");
	assert_string_equal(cg_name_str(cg_abi_syscall_name(CG_ABI_X32, CG_X32_SYSCALL_BIT | 39)),
			    "getpid");
	assert_int_equal(cg_abi_syscall_name(CG_ABI_X86_64, 100000), CG_NAME_NONE);
	assert_int_equal(cg_abi_syscall_name(CG_ABI_X86_64, -5), CG_NAME_NONE);
	assert_true(cg_syscall_known("socketcall"));
	assert_false(cg_syscall_known("no_such_call"));
}

static void test_audit(void **state)
{
	(void)state;
	enum cg_abi a;
	assert_int_equal(cg_abi_from_audit(0xc000003e, 92, &a), 0);
	assert_int_equal(a, CG_ABI_X86_64);
	assert_int_equal(cg_abi_from_audit(0xc000003e, CG_X32_SYSCALL_BIT | 92, &a), 0);
	assert_int_equal(a, CG_ABI_X32);
	assert_int_equal(cg_abi_from_audit(0x40000003, 182, &a), 0);
	assert_int_equal(a, CG_ABI_I386);
	assert_int_equal(cg_abi_from_audit(0xc00000b7, 1, &a), -EINVAL);
	assert_int_equal(cg_abi_from_name("i386", &a), 0);
	assert_int_equal(a, CG_ABI_I386);
	assert_int_equal(cg_abi_from_name("sparc", &a), -EINVAL);
}

static void test_archs(void **state)
{
	(void)state;
	struct cg_archs a = {0};
	struct cg_error e = {0};
	char buf[64];
	assert_false(cg_archs_set(&a));
	assert_int_equal(cg_archs_mask(&a), 7);
	assert_int_equal(cg_archs_add(&a, "native", &e), 0);
	assert_true(a.native);
	assert_int_equal(cg_archs_mask(&a), 1u << CG_ABI_X86_64);
	assert_int_equal(cg_archs_add(&a, "x86 'x32'", &e), 0);
	assert_string_equal(cg_archs_format(&a, buf, sizeof buf), "native x86 x32");
	assert_int_equal(cg_archs_add(&a, "", &e), 0);
	assert_false(cg_archs_set(&a));
	/* systemd does not know these spellings */
	assert_int_equal(cg_archs_add(&a, "x86_64", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "x86_64"));
	assert_int_equal(cg_archs_add(&a, "i386", &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_archs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
