/*
 * b64: strict base64 encoding and decoding, without allocation.
 */
#include "config.h"

#include "b64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
b64_decode(const char *in, size_t len, unsigned char *out, size_t outcap)
{
	size_t i, o = 0;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i += 4) {
		int v[4], k, pad = 0;
		unsigned long w;

		for (k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + k];

			if (c == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			/* Data after padding is not canonical. */
			if (pad > 0 || (v[k] = b64_value(c)) < 0)
				return -1;
		}
		w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
		    (unsigned long)v[2] << 6 | (unsigned long)v[3];
		if (o + (size_t)(3 - pad) > outcap)
			return -1;
		out[o++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)w;
		/* Bits hidden under the padding must be zero. */
		if ((pad == 1 && (v[2] & 0x3)) || (pad == 2 && (v[1] & 0xf)))
			return -1;
	}
	return (long)o;
}

long
b64_encode(const unsigned char *in, size_t len, char *out, size_t outcap)
{
	size_t i, o = 0;

	if ((len + 2) / 3 * 4 + 1 > outcap)
		return -1;
	for (i = 0; i < len; i += 3) {
		unsigned long w = (unsigned long)in[i] << 16;

		if (i + 1 < len)
			w |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			w |= in[i + 2];
		out[o++] = b64_alphabet[(w >> 18) & 63];
		out[o++] = b64_alphabet[(w >> 12) & 63];
		out[o++] = i + 1 < len ? b64_alphabet[(w >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64_alphabet[w & 63] : '=';
	}
	out[o] = '\0';
	return (long)o;
}
