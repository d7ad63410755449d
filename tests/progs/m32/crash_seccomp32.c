// SPDX-License-Identifier: LGPL-2.1-or-later
/* crash_seccomp built for i386 (arch=40000003 in the audit record). */
#include "../crash_seccomp.c"
