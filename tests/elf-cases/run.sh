#!/bin/sh
# tests/elf-cases/run.sh [NAME...] - damaged objects must fail with their exact reason.
#
# For each line of cases.txt (or only the NAMEs given): mutate.py writes the
# base object with ONE edit into a temp dir, and
#   ./rawload inspect FILE
# must exit with status 1 (not 0, not a signal) and print exactly one line on
# stderr, "rawload: FILE: ...", containing the expected text.  When the
# sanitizer build exists (make build/fuzz_object, or FUZZ_OBJECT=path), the
# same file goes through it once: any ASan/UBSan report fails the case too.
# Each base object must itself inspect cleanly, or the cases built on it
# would prove nothing.  Ends with "elf-cases: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=tests/elf-cases
fuzz=${FUZZ_OBJECT:-build/fuzz_object}
[ -x "$fuzz" ] || fuzz=
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
set -f   # edits contain [ ] and #: never glob them

[ -x ./rawload ] || make -s rawload >/dev/null || { echo "elf-cases: cannot build ./rawload"; exit 1; }

trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

base_path() {
	case $1 in
	*/*) printf '%s' "$1" ;;
	*) printf 'build/tests/objects/%s.bpf.o' "$1" ;;
	esac
}

wanted() { # is case $1 selected on the command line?
	[ -z "$selected" ] && return 0
	for w in $selected; do [ "$w" = "$1" ] && return 0; done
	return 1
}
selected="$*"

passed=0 failed=0
fail() { # fail NAME REASON [DETAIL_FILE]
	failed=$((failed + 1))
	echo "FAIL $1: $2"
	[ $# -ge 3 ] && [ -s "$3" ] && sed 's/^/     | /' "$3" | head -20
	return 0
}

check_base() { # each good object once: builds, and inspects with exit 0
	b=$(base_path "$1")
	mark="$work/base-ok-$(printf '%s' "$1" | tr '/.' '__')"
	[ -e "$mark" ] && return 0
	[ -f "$b" ] || make -s "$b" >/dev/null 2>&1
	if [ ! -f "$b" ]; then
		echo "base object $b is missing and make could not build it"
		return 1
	fi
	if ! ./rawload inspect "$b" >/dev/null 2>"$work/base.err"; then
		echo "base object $b does not inspect cleanly: $(cat "$work/base.err")"
		return 1
	fi
	: >"$mark"
}

run_case() { # run_case NAME BASE EDIT EXPECT: the damaged file is $work/NAME.o
	name=$1 base=$2 edit=$3 expect=$4
	f="$work/$name.o"
	if [ -e "$f.base-err" ]; then
		fail "$name" "$(cat "$f.base-err")"
		return
	fi
	if [ -e "$f.err" ] || [ ! -e "$f" ]; then
		fail "$name" "mutate.py could not apply '$edit'" "$f.err"
		return
	fi
	./rawload inspect "$f" </dev/null >/dev/null 2>"$work/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		fail "$name" "exit status $rc, expected 1 (expected: $expect)" "$work/err"
		return
	fi
	if [ "$(wc -l <"$work/err")" -ne 1 ]; then
		fail "$name" "stderr is not exactly one line" "$work/err"
		return
	fi
	line=$(cat "$work/err")
	case $line in
	"rawload: $f: "*) ;;
	*) fail "$name" "stderr does not start with 'rawload: $f: '" "$work/err"; return ;;
	esac
	if ! grep -qF -- "$expect" "$work/err"; then
		fail "$name" "message lacks: $expect" "$work/err"
		return
	fi
	if [ -n "$fuzz" ]; then
		"$fuzz" "$f" </dev/null >"$work/fuzz.log" 2>&1
		rc=$?
		if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$work/fuzz.log"; then
			grep -E 'ERROR|runtime error|SUMMARY|^ +#[0-9] ' "$work/fuzz.log" >"$work/fuzz.short"
			fail "$name" "sanitizer build ($fuzz) failed with status $rc" "$work/fuzz.short"
			return
		fi
	fi
	passed=$((passed + 1))
	[ -n "${VERBOSE:-}" ] && echo "ok   $name: ${line#"rawload: $f: "}"
	return 0
}

# Pass 1: the selected cases, trimmed, and one list for mutate.py --batch
# (a Python start per case would dominate the run time).
: >"$work/cases" ; : >"$work/todo"
while IFS='|' read -r name base edit expect; do
	name=$(trim "$name")
	case $name in ''|'#'*) continue ;; esac
	wanted "$name" || continue
	if [ -e "$work/$name.seen" ]; then
		fail "$name" "two cases have this name in cases.txt"
		continue
	fi
	: >"$work/$name.seen"
	base=$(trim "$base") edit=$(trim "$edit")
	printf '%s|%s|%s|%s\n' "$name" "$base" "$edit" "$(trim "$expect")" >>"$work/cases"
	if why=$(check_base "$base"); then
		printf '%s\t%s\t%s\n' "$work/$name.o" "$(base_path "$base")" "$edit" >>"$work/todo"
	else
		printf '%s\n' "$why" >"$work/$name.o.base-err"
	fi
done <"$dir/cases.txt"
for w in $selected; do
	[ -e "$work/$w.seen" ] || fail "$w" "no such case in cases.txt"
done
python3 "$dir/mutate.py" --batch "$work/todo"

# Pass 2: run each damaged file.
while IFS='|' read -r name base edit expect; do
	run_case "$name" "$base" "$edit" "$expect"
done <"$work/cases"

[ -z "$fuzz" ] && echo "note: no $fuzz (make build/fuzz_object): sanitizer pass skipped"
echo "elf-cases: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
