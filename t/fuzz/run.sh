#!/bin/sh
# t/fuzz/run.sh -- build and run relaymilter's libFuzzer targets.
#
#   run.sh build                    compile the targets (clang, libFuzzer,
#                                   ASan + UBSan) into $builddir/t/fuzz/build/
#   run.sh run SECONDS [JOBS [TARGET...]]
#                                   run each target SECONDS seconds on a
#                                   scratch copy of its seed corpus, JOBS at
#                                   a time (default 2); TAP on stdout; exit 1
#                                   on any finding (crash, leak, timeout,
#                                   out-of-memory, failed invariant)
#
# Environment (the Makefile's fuzz and fuzz-build targets set it):
#   srcdir, builddir  absolute source and build directories (default: .)
#   (everything built or run goes to $builddir/t/fuzz/build/)
#   FUZZ_CC           clang (default clang)
#   FUZZ_SOURCES      the library's sources, relative to srcdir (.h ignored)
#   FUZZ_CPPFLAGS     the library's compiler flags (-Werror and -fsanitize
#                     options are dropped: the fuzz build sets its own)
#   FUZZ_LIBS         link flags of those libraries
#   FUZZ_WORK         where runs keep their corpus copies, logs and findings
#                     (default $builddir/t/fuzz/build/work; smoke.test uses
#                     .../smoke-work, so make check never disturbs a make fuzz)
#
# The library is compiled a second time for fuzzing, into
# $builddir/t/fuzz/build/librelay-fuzz.a, so the normal build (gcc, no
# sanitizers) is not touched. Findings stay in $FUZZ_WORK/T/
# (crash-*, leak-*, timeout-*, oom-*, and the log); the seed corpus in
# $srcdir/t/fuzz/corpus/T/ is never written to.
set -u

: "${srcdir:=.}" "${builddir:=.}" "${FUZZ_CC:=clang}"
: "${FUZZ_SOURCES:=}" "${FUZZ_CPPFLAGS:=}" "${FUZZ_LIBS:=}"
: "${FUZZ_WORK:=$builddir/t/fuzz/build/work}"

TARGETS="fuzz_addr fuzz_conf fuzz_authproto fuzz_saslauthd fuzz_poplog
fuzz_ctlproto fuzz_b64 fuzz_policyproto fuzz_smapproto fuzz_verdictline"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS_FUZZ="-g -O1 -fno-omit-frame-pointer -pthread -Wall -Wextra"
out=$builddir/t/fuzz/build

die() { echo "run.sh: $*" >&2; exit 1; }

# newer FILE DIR...: some .c or .h under DIRs (or config.h) is newer than FILE
newer() {
	f=$1
	shift
	[ -e "$f" ] || return 0
	[ -n "$(find "$@" "$builddir/config.h" -newer "$f" \
	    \( -name '*.c' -o -name '*.h' \) 2>/dev/null | head -n 1)" ]
}

build_lib() {
	lib=$out/librelay-fuzz.a
	flags="$FUZZ_CC $CFLAGS_FUZZ $SAN $FLAGS $FUZZ_SOURCES"
	# Rebuilt when a source or header changed, or the flags did.
	if [ "$(cat "$out/flags" 2>/dev/null)" = "$flags" ] &&
	    ! newer "$lib" "$srcdir/milter" "$srcdir/config"; then
		return 0
	fi
	[ -n "$FUZZ_SOURCES" ] || die "FUZZ_SOURCES is empty (run make fuzz-build)"
	rm -rf "$out/obj"
	mkdir -p "$out/obj" || die "cannot create $out/obj"
	objs= pids=
	for s in $FUZZ_SOURCES; do
		case $s in *.c) ;; *) continue ;; esac
		o=$out/obj/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')
		objs="$objs $o"
		# shellcheck disable=SC2086
		$FUZZ_CC $CFLAGS_FUZZ -fsanitize=fuzzer-no-link $SAN \
		    -I"$builddir" \
		    $FLAGS -c "$srcdir/$s" -o "$o" &
		pids="$pids $!"
		# two compilers at a time
		set -- $pids
		if [ $# -ge 2 ]; then
			wait "$1" || die "compiling failed"
			shift
			pids="$*"
		fi
	done
	for p in $pids; do
		wait "$p" || die "compiling failed"
	done
	rm -f "$lib"
	# shellcheck disable=SC2086
	ar rcs "$lib" $objs || die "ar failed"
	echo "$flags" > "$out/flags"
}

# The library's CFLAGS without what the fuzz build sets itself.
FLAGS=
for f in $FUZZ_CPPFLAGS; do
	case $f in -Werror*|-fsanitize*|-fno-sanitize*) ;; *) FLAGS="$FLAGS $f" ;; esac
done

build() {
	command -v "$FUZZ_CC" >/dev/null 2>&1 || die "$FUZZ_CC not found"
	mkdir -p "$out" || die "cannot create $out"
	build_lib
	for t in $TARGETS; do
		bin=$out/$t
		src=$srcdir/t/fuzz/$t.c
		if [ -x "$bin" ] && [ "$bin" -nt "$src" ] &&
		    [ "$bin" -nt "$out/librelay-fuzz.a" ]; then
			continue
		fi
		echo "  FUZZCC   $t"
		# shellcheck disable=SC2086
		$FUZZ_CC $CFLAGS_FUZZ -fsanitize=fuzzer $SAN \
		    -I"$builddir" \
		    $FLAGS "$src" "$out/librelay-fuzz.a" $FUZZ_LIBS \
		    -o "$bin" || die "building $t failed"
	done
}

# Options per target: the largest input worth trying.
options() {
	case $1 in
	fuzz_saslauthd)	echo "-max_len=5200" ;;
	fuzz_smapproto)	echo "-max_len=4160" ;;
	fuzz_poplog)	echo "-max_len=8300" ;;
	fuzz_conf)	echo "-max_len=16384" ;;
	fuzz_policyproto) echo "-max_len=36864" ;;
	*)		echo "-max_len=4096" ;;
	esac
}

# run_one TARGET SECONDS: runs it; exit status in $FUZZ_WORK/T/rc, output
# in $FUZZ_WORK/T/log
run_one() {
	t=$1 secs=$2
	w=$FUZZ_WORK/$t
	rm -rf "$w"
	mkdir -p "$w/corpus" || return 1
	if [ -d "$srcdir/t/fuzz/corpus/$t" ]; then
		cp "$srcdir/t/fuzz/corpus/$t"/* "$w/corpus/" 2>/dev/null
	fi
	dict=
	[ -f "$srcdir/t/fuzz/$t.dict" ] && dict=-dict=$srcdir/t/fuzz/$t.dict
	# shellcheck disable=SC2046
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$srcdir/t/fuzz/lsan.supp:print_suppressions=0} \
	    "$out/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$w/" $(options "$t") \
	    $dict "$w/corpus" > "$w/log" 2>&1
	echo $? > "$w/rc"
}

# report N TARGET: one TAP line with the figures of the run
report() {
	n=$1 t=$2
	w=$FUZZ_WORK/$t
	rc=$(cat "$w/rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$w/log" | tail -n 1)
	files=$(ls "$w/corpus" | wc -l)
	# libFuzzer's own count (inputs kept after reduction) in its last status
	corp=$(sed -n 's/^#[0-9]*.* corp: \([0-9]*\)\/.*/\1/p' "$w/log" | tail -n 1)
	found=$(cd "$w" && ls -d crash-* leak-* timeout-* oom-* 2>/dev/null |
	    head -n 1)
	what="$t: ${execs:-?} execs (${rate:-?}/s), corpus ${corp:-?} inputs ($files files)"
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		echo "ok $n - $what"
		return 0
	fi
	echo "not ok $n - $what: finding ${found:-(exit $rc)}, see $w/log"
	grep -E 'ERROR:|SUMMARY:|invariant failed|runtime error' "$w/log" |
	    head -n 10 | sed 's/^/# /'
	return 1
}

run() {
	secs=${1:?seconds}
	jobs=${2:-2}
	[ $# -ge 2 ] && shift 2 || shift $#
	todo=${*:-$TARGETS}
	for t in $todo; do
		[ -x "$out/$t" ] || die "$out/$t is not built (make fuzz-build)"
	done
	set -- $todo
	echo "1..$#"
	n=0 failed=0
	while [ $# -gt 0 ]; do
		batch= pids=
		i=0
		while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
			run_one "$1" "$secs" &
			pids="$pids $!"
			batch="$batch $1"
			i=$((i + 1))
			shift
		done
		for p in $pids; do
			wait "$p"
		done
		for t in $batch; do
			n=$((n + 1))
			report "$n" "$t" || failed=$((failed + 1))
		done
	done
	[ "$failed" -eq 0 ]
}

case ${1:-} in
build)	build ;;
run)	shift; run "$@" ;;
*)	echo "usage: run.sh build | run SECONDS [JOBS [TARGET...]]" >&2
	exit 64 ;;
esac
