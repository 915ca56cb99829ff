/*
 * fuzz_b64: strict base64 (b64_decode, b64_encode). The input is used
 * both ways, each time from an exact-size heap block:
 *  - as text: if b64_decode accepts it, the length is a multiple of 4,
 *    the decoded size is 3/4 of it minus the padding, and b64_encode of
 *    the bytes gives back exactly the same text (strictness: only the
 *    canonical form decodes); a too small output buffer is refused, not
 *    overrun; an output buffer of exactly the decoded size suffices;
 *  - as bytes: b64_encode gives a NUL-terminated string of length
 *    4*ceil(n/3) from the base64 alphabet, refuses a buffer one byte too
 *    small, and b64_decode of it gives the same bytes back.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

#define FUZZ_MAX	8192

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_b64: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
as_text(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1), *again;
	unsigned char *out;
	size_t cap = size / 4 * 3 + 3, pad = 0;
	long n;

	if (in == NULL)
		return;
	memcpy(in, data, size);
	out = malloc(cap);
	if (out == NULL) {
		free(in);
		return;
	}
	n = b64_decode(in, size, out, cap);
	if (n >= 0) {
		CHECK(size % 4 == 0);
		if (size >= 1 && in[size - 1] == '=')
			pad++;
		if (size >= 2 && in[size - 2] == '=')
			pad++;
		CHECK((size_t)n == size / 4 * 3 - pad);
		again = malloc(size + 1);
		if (again != NULL) {
			CHECK(b64_encode(out, (size_t)n, again, size + 1) ==
			    (long)size);
			CHECK(memcmp(again, in, size) == 0 &&
			    again[size] == '\0');
			free(again);
		}
		/* Exactly the decoded size is enough; one byte less is not. */
		free(out);
		out = malloc(n ? (size_t)n : 1);
		if (out != NULL) {
			CHECK(b64_decode(in, size, out, (size_t)n) == n);
			if (n > 0)
				CHECK(b64_decode(in, size, out,
				    (size_t)n - 1) == -1);
		}
	} else
		CHECK(n == -1);
	free(out);
	free(in);
}

static void
as_bytes(const uint8_t *data, size_t size)
{
	size_t enc = (size + 2) / 3 * 4, i;
	unsigned char *in = malloc(size ? size : 1), *back;
	char *txt;
	long n;

	if (in == NULL)
		return;
	memcpy(in, data, size);
	txt = malloc(enc + 1);
	back = malloc(size ? size : 1);
	if (txt == NULL || back == NULL)
		goto out;
	CHECK(b64_encode(in, size, txt, enc) == -1);
	n = b64_encode(in, size, txt, enc + 1);
	CHECK(n == (long)enc && txt[enc] == '\0');
	for (i = 0; i < enc; i++)
		CHECK(memchr(alphabet, txt[i], 64) != NULL ||
		    (txt[i] == '=' && i + 2 >= enc));
	CHECK(b64_decode(txt, enc, back, size) == (long)size);
	CHECK(memcmp(back, in, size) == 0);
out:
	free(txt);
	free(back);
	free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX)
		return 0;
	as_text(data, size);
	as_bytes(data, size);
	return 0;
}
