/*
 * b64: strict base64 (RFC 4648, with padding) for stored SCRAM secrets
 * and, later, SASL exchanges. Anything that is not canonical base64 is
 * refused rather than guessed at.
 */
#ifndef RELAYMILTER_B64_H
#define RELAYMILTER_B64_H

#include <stddef.h>

/*
 * b64_decode -- decode len characters of in into out (room for outcap
 * bytes). Returns the number of bytes written, or -1 if in is not valid
 * padded base64 or out is too small. Pure.
 */
long b64_decode(const char *in, size_t len, unsigned char *out,
    size_t outcap);

/*
 * b64_encode -- encode len bytes into out (room for outcap characters,
 * NUL included). Returns the string length, or -1 if out is too small.
 */
long b64_encode(const unsigned char *in, size_t len, char *out,
    size_t outcap);

#endif
