"""A python3 workload for the preload tests: build a large dict, serialise it with json, scan it with re.

    python3 dict_json.py [ENTRIES]

Prints a few lines that depend on every step (sizes, counts, a checksum), so a run on a stage can be
compared byte for byte with a run on the C library's malloc.
"""
import hashlib
import json
import re
import sys

entries = int(sys.argv[1]) if len(sys.argv) > 1 else 60000

# Keys and values of many sizes: short strings, long strings, lists, nested dicts.
table = {}
for i in range(entries):
    key = "item-%06d-%s" % (i, "x" * (i % 37))
    table[key] = {
        "id": i,
        "square": i * i,
        "name": "name %d " % i * (1 + i % 5),
        "tags": ["t%d" % (i % k) for k in range(1, 2 + i % 6)],
    }
    if i % 1000 == 999:
        del table["item-%06d-%s" % (i - 500, "x" * ((i - 500) % 37))]   # holes: frees among the mallocs

text = json.dumps(table, sort_keys=True)
back = json.loads(text)
assert back == table, "json round trip changed the table"

ids = re.findall(r'"id": (\d+)', text)
long_names = re.findall(r'"name": "((?:name \d+ ){4,})"', text)
words = re.sub(r"[^a-z]+", " ", text[: 2_000_000]).split()

print("entries", len(table))
print("json bytes", len(text))
print("ids found", len(ids), "sum", sum(int(x) for x in ids))
print("long names", len(long_names))
print("words", len(words), "distinct", len(set(words)))
print("sha256", hashlib.sha256(text.encode()).hexdigest())
