#!/bin/sh
# Generate configure and Makefile.in (never committed), and bring in
# automake's TAP driver, which autoreconf does not copy by itself.
set -e
cd "$(dirname "$0")"
autoreconf -fi
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
