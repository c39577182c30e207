// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The native-backend tests under ThreadSanitizer: a test program's own
 * main() is renamed pmm_test_main() (-Dmain=pmm_test_main) and runs only
 * the tests whose names match argv[1] (cmocka's filter, '*' and '?'), the
 * ones that run on pthreads alone: the explore backend's coroutine switch
 * is not TSan-aware, and its tests stay in the ordinary builds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* The same flags built the test program: here main is main. */
#undef main

int pmm_test_main(void);

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return pmm_test_main();
}
