/* The one error route: lower layers fill a cl_error and return -1; only the top prints and halts. */
#ifndef CHAINLOADER_ERROR_H
#define CHAINLOADER_ERROR_H

#define CL_ERROR_MSG_MAX 256

struct cl_error {
	char msg[CL_ERROR_MSG_MAX]; /* "<what>: <values>", without the "chainloader: error: " prefix */
};

/* Formats the message into err (err may be NULL) and returns -1, so callers write
 * `return cl_fail(err, "bzImage: ...", ...);`. */
int cl_fail(struct cl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
