#include "cmocka_all.h"

#include <string.h>

#include "error.h"
#include "lib/printf.h"

static void formats_each_conversion(void **state)
{
	(void)state;
	char buf[128];
	fmt_format(buf, sizeof(buf), "%s|%c|%d|%u|%x|%%|%05u|%3s|%.*s", "ab", 'z', -42, 42u, 0xbeefu, 7u, "x", 2, "hello");
	assert_string_equal(buf, "ab|z|-42|42|beef|%|00007|  x|he");
	fmt_format(buf, sizeof(buf), "%llx %llu %lld %016llx", 0xffffffffffffffffull, 18446744073709551615ull,
		   (long long)-9223372036854775807LL - 1, 0x1000ull);
	assert_string_equal(buf, "ffffffffffffffff 18446744073709551615 -9223372036854775808 0000000000001000");
}

static void truncates_and_reports_full_length(void **state)
{
	(void)state;
	char buf[5];
	size_t n = fmt_format(buf, sizeof(buf), "%s", "abcdefgh");
	assert_int_equal(n, 8);
	assert_string_equal(buf, "abcd");
}

static void cl_fail_fills_message_and_returns_minus_one(void **state)
{
	(void)state;
	struct cl_error err;
	assert_int_equal(cl_fail(&err, "bzImage: setup_sects %u", 200u), -1);
	assert_string_equal(err.msg, "bzImage: setup_sects 200");
	assert_int_equal(cl_fail(NULL, "ignored"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_each_conversion),
		cmocka_unit_test(truncates_and_reports_full_length),
		cmocka_unit_test(cl_fail_fills_message_and_returns_minus_one),
	};
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
