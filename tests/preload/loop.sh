#!/usr/bin/env bash
# A bash workload for the preload tests: strings that grow (realloc), an associative array (many small
# mallocs and frees), command substitutions (fork while the heap is in use) and pattern substitution.
# Prints lines that depend on every step, to compare a run on a stage with one on the C library.
n=${1:-1000}
s=
declare -A squares
list=()
for ((i = 1; i <= n; i++)); do
    s="$s$i,"
    squares[k$i]=$((i * i))
    list+=("item $((i % 7))")
    if ((i % 100 == 0)); then
        digits=$(printf '%s' "$i" | tr 0-9 a-j)        # a fork and a pipe in the middle of the loop
        echo "at $i: length ${#s}, digits $digits"
        unset "squares[k$((i - 50))]"
    fi
done
total=0
for key in "${!squares[@]}"; do total=$((total + ${squares[$key]})); done
echo "keys ${#squares[@]} total $total list ${#list[@]}"
for round in 1 2 3; do s=${s//1,/one,}; done
echo "after substitution: ${#s}"
printf '%s\n' "${list[@]}" | sort | uniq -c
