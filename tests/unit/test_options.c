#include "cmocka_all.h"

#include "boot/options.h"

/* The list every unknown-option message ends with, spelled as a user reads it. */
#define KNOWN_OPTIONS " (known: verbose quiet timing entry=auto|64|32|16|pvh)"

static void defaults_without_a_command_line(void **state)
{
	(void)state;
	struct loader_options o;
	struct cl_error err;
	o.timing = true;
	assert_int_equal(options_parse(NULL, &o, &err), 0);
	assert_int_equal(o.log, LOG_NORMAL);
	assert_false(o.timing);
	o.timing = true;
	assert_int_equal(options_parse("", &o, &err), 0);
	assert_int_equal(o.log, LOG_NORMAL);
	assert_false(o.timing);
}

static void timing_is_independent_of_the_log_level(void **state)
{
	(void)state;
	struct loader_options o;
	struct cl_error err;
	assert_int_equal(options_parse("timing", &o, &err), 0);
	assert_true(o.timing);
	assert_int_equal(o.log, LOG_NORMAL);
	assert_int_equal(options_parse("quiet timing entry=64", &o, &err), 0);
	assert_true(o.timing);
	assert_int_equal(o.log, LOG_QUIET);
	assert_int_equal(o.entry, ENTRY_64);
	assert_int_equal(options_parse("verbose", &o, &err), 0);
	assert_false(o.timing); /* verbose prints the line without the flag */
	assert_int_equal(options_parse("timings", &o, &err), -1);
}

static void reads_words_and_skips_the_image_path(void **state)
{
	(void)state;
	struct loader_options o;
	struct cl_error err;
	assert_int_equal(options_parse("  verbose ", &o, &err), 0);
	assert_int_equal(o.log, LOG_VERBOSE);
	assert_int_equal(options_parse("/boot/chainloader.elf quiet", &o, &err), 0);
	assert_int_equal(o.log, LOG_QUIET);
	assert_int_equal(options_parse("(hd0,1)/chainloader.elf verbose", &o, &err), 0);
	assert_int_equal(o.log, LOG_VERBOSE);
}

static void reads_the_entry_mode(void **state)
{
	(void)state;
	struct loader_options o;
	struct cl_error err;
	assert_int_equal(options_parse("verbose", &o, &err), 0);
	assert_int_equal(o.entry, ENTRY_AUTO);
	assert_int_equal(options_parse("entry=32 verbose", &o, &err), 0);
	assert_int_equal(o.entry, ENTRY_32);
	assert_int_equal(options_parse("entry=pvh", &o, &err), 0);
	assert_int_equal(o.entry, ENTRY_PVH);
	assert_int_equal(options_parse("entry=pvh entry=64", &o, &err), 0); /* the last one wins */
	assert_int_equal(o.entry, ENTRY_64);
	assert_int_equal(options_parse("entry=auto", &o, &err), 0);
	assert_int_equal(o.entry, ENTRY_AUTO);
	assert_int_equal(options_parse("entry=16", &o, &err), 0);
	assert_int_equal(o.entry, ENTRY_16);
	assert_int_equal(options_parse("entry=8", &o, &err), -1);
	assert_string_equal(err.msg, "unknown loader option 'entry=8'" KNOWN_OPTIONS);
}

static void unknown_option_is_an_error_naming_it(void **state)
{
	(void)state;
	struct loader_options o;
	struct cl_error err;
	assert_int_equal(options_parse("verbose frobnicate quiet", &o, &err), -1);
	assert_string_equal(err.msg, "unknown loader option 'frobnicate'" KNOWN_OPTIONS);
	/* A path is only skipped in first position. */
	assert_int_equal(options_parse("verbose /x", &o, &err), -1);
	assert_string_equal(err.msg, "unknown loader option '/x'" KNOWN_OPTIONS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_without_a_command_line),
		cmocka_unit_test(reads_words_and_skips_the_image_path),
		cmocka_unit_test(reads_the_entry_mode),
		cmocka_unit_test(timing_is_independent_of_the_log_level),
		cmocka_unit_test(unknown_option_is_an_error_naming_it),
	};
	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
