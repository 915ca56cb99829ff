#!/bin/sh
# Fetch Sendmail for the end-to-end tests WITHOUT installing it.
#
# Postfix is installed as a Debian package and conflicts with the sendmail
# packages (installing sendmail would remove postfix), so the Sendmail
# packages are only downloaded and unpacked into a private folder:
#
#   ${RELAYMILTER_TESTDEPS:-/var/tmp/relaymilter-testdeps}/debs          the .deb files
#   ${RELAYMILTER_TESTDEPS:-/var/tmp/relaymilter-testdeps}/sendmail-root the unpacked tree
#
# The binary is then sendmail-root/usr/libexec/sendmail/sendmail and the cf
# build tree sendmail-root/usr/share/sendmail/cf.  Building a .cf needs m4,
# which is installed with apt-get when missing.  Idempotent: does nothing
# when the tree is already there.  Expects `apt-get update` to have run.
set -eu

deps=${RELAYMILTER_TESTDEPS:-/var/tmp/relaymilter-testdeps}
debs=$deps/debs
root=$deps/sendmail-root
pkgs="sendmail-bin sendmail-base sendmail-cf"

if ! command -v m4 >/dev/null 2>&1; then
	echo "fetch-sendmail: installing m4" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y m4 >&2
fi

if [ -x "$root/usr/libexec/sendmail/sendmail" ] &&
   [ -f "$root/usr/share/sendmail/cf/m4/cf.m4" ] &&
   ! ldd "$root/usr/libexec/sendmail/sendmail" 2>/dev/null | grep -q 'not found'; then
	exit 0
fi

mkdir -p "$debs"
for p in $pkgs; do
	if ! ls "$debs/${p}"_*.deb >/dev/null 2>&1; then
		echo "fetch-sendmail: downloading $p" >&2
		# apt-get download writes into the current directory; as root
		# it may warn that _apt cannot write there, which is harmless.
		(cd "$debs" && apt-get download "$p" >&2)
	fi
done

# The unpacked binary needs sendmail-bin's shared libraries (libwrap0,
# libsasl2-2, libdb5.3, ...): install those that are missing. Only
# libraries, never sendmail itself (it would remove postfix).
missing=
bin_deps=$(dpkg-deb -f "$(ls "$debs"/sendmail-bin_*.deb | head -n 1)" Depends)
oldifs=$IFS; IFS=,
for dep in $bin_deps; do
	IFS=$oldifs
	# "libfoo (>= 1) | libbar": the first alternative will do
	name=$(printf '%s\n' "$dep" | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g')
	case $name in ''|sendmail-*) continue ;; esac
	if ! dpkg-query -W -f='${Status}\n' "$name" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $name"
	fi
done
IFS=$oldifs
if [ -n "$missing" ]; then
	echo "fetch-sendmail: installing libraries:$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2
fi

rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for f in "$debs"/*.deb; do
	dpkg -x "$f" "$root.tmp"
done
# Should the extracted binary be setgid, LD_PRELOAD (the tests' syslog
# shim) would be ignored; the tests run it as root, so drop the bit.
chmod g-s "$root.tmp/usr/libexec/sendmail/sendmail" 2>/dev/null || true
if ldd "$root.tmp/usr/libexec/sendmail/sendmail" | grep 'not found' >&2; then
	echo "fetch-sendmail: the sendmail binary lacks the libraries above" >&2
	exit 1
fi
rm -rf "$root"
mv "$root.tmp" "$root"
echo "fetch-sendmail: sendmail unpacked in $root" >&2
