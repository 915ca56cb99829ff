# tap.sh: TAP helpers for the shell tests (is, like, ok, diag,
# done_testing). Sourced; keeps its counters in shell variables.
_tap_n=0
_tap_failed=0

ok() {	# ok STATUS DESC: STATUS 0 is a pass
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $2"
	fi
}

is() {	# is GOT WANT DESC
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "got:  $1" "want: $2" | sed 's/^/#   /'
	fi
}

like() {	# like GOT ERE DESC
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "got:  $1" "want match: $2" | sed 's/^/#   /'
	fi
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}
