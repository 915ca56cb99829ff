/*
 * redis_count.h: counts the requests a program sends to Redis. Every
 * request of the stores' connection pool goes through hiredis's
 * redisCommandArgv; a program that includes this file (once) and links
 * with -Wl,--wrap=redisCommandArgv sees each one go by.
 */
#ifndef RELAYMILTER_REDIS_COUNT_H
#define RELAYMILTER_REDIS_COUNT_H

#include <hiredis/hiredis.h>

redisReply *__real_redisCommandArgv(redisContext *c, int argc,
    const char **argv, const size_t *argvlen);
redisReply *__wrap_redisCommandArgv(redisContext *c, int argc,
    const char **argv, const size_t *argvlen);

static long redis_count_sent;

/* The wrapper the linker puts in place of redisCommandArgv. */
redisReply *
__wrap_redisCommandArgv(redisContext *c, int argc, const char **argv,
    const size_t *argvlen)
{
	__atomic_add_fetch(&redis_count_sent, 1, __ATOMIC_RELAXED);
	return __real_redisCommandArgv(c, argc, argv, argvlen);
}

/* redis_count_requests -- requests sent so far, from any thread. */
static long __attribute__((unused))
redis_count_requests(void)
{
	return __atomic_load_n(&redis_count_sent, __ATOMIC_RELAXED);
}

#endif
