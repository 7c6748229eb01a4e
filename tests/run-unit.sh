#!/bin/sh
# Run the unit-test binaries given as arguments; each prints "suite: N passed, N failed".
set -u
rc=0
for t in "$@"; do
	"$t" || rc=1
done
exit $rc
