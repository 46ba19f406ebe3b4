#!/usr/bin/env bash
# `make fuzz`: the hostile-input tests (*/tests/test_bad_input.py) exploring fresh random
# inputs until FUZZ_SECONDS are spent. `make test` tries the same examples every run
# (conftest.py derandomises Hypothesis); this is where new inputs are found.
#
# Each round runs the tests once with the "fuzz" profile and a new seed; the first
# failure stops the run and prints Hypothesis' falsifying example and the command that
# replays the round. Fix the product, then pin the input with @example on the test.
# When the budget ends during a round, that round is stopped: the run passes.
set -uo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"
budget="${FUZZ_SECONDS:-300}"
workers="${FUZZ_WORKERS:-2}"
read -r -a extra <<<"${FUZZ_ARGS:-}"
mapfile -t files < <(ls -- */tests/test_bad_input.py)
deadline=$(($(date +%s) + budget))
round=0

while :; do
  left=$((deadline - $(date +%s)))
  [ "$left" -gt 0 ] || break
  round=$((round + 1))
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  command=("$PY" -m pytest "${files[@]}" -n "$workers" -x -q -p no:randomly
    --hypothesis-profile=fuzz --hypothesis-seed="$seed" "${extra[@]}")
  echo "fuzz: round $round, seed $seed, ${left} s left"
  timeout --signal=INT --kill-after=30 "$left" "${command[@]}" >"/tmp/westland-fuzz-$$.log" 2>&1
  status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "fuzz: the budget ended during round $round"
    break
  fi
  if [ "$status" -ne 0 ]; then
    grep -v "^  - " "/tmp/westland-fuzz-$$.log" | tail -n 150
    echo
    echo "fuzz: FAILED in round $round (seed $seed). Replay it with:"
    printf ' %q' "${command[@]}"
    echo
    exit 1
  fi
  tail -n 1 "/tmp/westland-fuzz-$$.log"
done
rm -f "/tmp/westland-fuzz-$$.log"
echo "fuzz: no failure in $round rounds (${budget} s)"
