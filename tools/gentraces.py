#!/usr/bin/env python3
"""gentraces.py: writes heapkit's trace suite (tests/traces/*.rep, and the perf-only traces of
tests/traces/perf/) from fixed seeds.

    python3 tools/gentraces.py [--out DIR]      (default DIR: tests/traces)

Each trace is in the CS:APP Malloc Lab text format: four header numbers (suggested heap size, which
we set to the trace's peak live payload; number of ids; number of ops; weight 1), then one op per
line: "a id bytes", "f id", "r id bytes". Every block is freed by the end of its trace.

The output is byte-for-byte the same on every machine and every Python 3: the random numbers come
from our own splitmix64 generator below, never from the random module, and only integer arithmetic
decides what is written. tests/traces/README.md describes each trace; the test suite regenerates
the files and compares them with the committed ones.
"""
import argparse
import os
import sys

MASK64 = (1 << 64) - 1


class Rng:
    """splitmix64 (Steele, Lea and Flood 2014): small, fast, and the same in every language."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def between(self, lo, hi):
        """Uniform in lo .. hi, both included."""
        return lo + self.below(hi - lo + 1)

    def chance(self, percent):
        return self.below(100) < percent

    def log_uniform(self, lo, hi):
        """A size whose logarithm is uniform: as many 16..32 as 1024..2048 (integer steps only)."""
        bits_lo, bits_hi = lo.bit_length() - 1, hi.bit_length() - 1
        bits = self.between(bits_lo, bits_hi)
        return max(lo, min(hi, self.between(1 << bits, (2 << bits) - 1)))


class Trace:
    """Builds a trace op by op, handing out a new id per allocation and tracking the peak live payload."""

    def __init__(self):
        self.ops = []
        self.size = {}          # live id -> bytes
        self.next_id = 0
        self.live_bytes = 0
        self.peak_live = 0

    def alloc(self, nbytes):
        block = self.next_id
        self.next_id += 1
        self.ops.append("a %d %d" % (block, nbytes))
        self.size[block] = nbytes
        self._grow(nbytes)
        return block

    def free(self, block):
        self.ops.append("f %d" % block)
        self.live_bytes -= self.size.pop(block)

    def realloc(self, block, nbytes):
        self.ops.append("r %d %d" % (block, nbytes))
        self._grow(nbytes - self.size[block])
        self.size[block] = nbytes

    def free_all(self, rng=None):
        """Frees what is still live, in allocation order or (with rng) in a random order."""
        live = sorted(self.size)
        if rng is not None:
            shuffle(rng, live)
        for block in live:
            self.free(block)

    def _grow(self, delta):
        self.live_bytes += delta
        self.peak_live = max(self.peak_live, self.live_bytes)

    def text(self):
        header = "%d\n%d\n%d\n1\n" % (self.peak_live, self.next_id, len(self.ops))
        return header + "\n".join(self.ops) + "\n"


def shuffle(rng, items):
    """Fisher-Yates with our generator."""
    for i in range(len(items) - 1, 0, -1):
        j = rng.below(i + 1)
        items[i], items[j] = items[j], items[i]


def take_random(rng, items):
    """Removes and returns a random element of a list in O(1) (order is not kept)."""
    k = rng.below(len(items))
    items[k], items[-1] = items[-1], items[k]
    return items.pop()


def program_size(rng):
    """A size drawn from a mix like a C program's: mostly small structs and strings, some buffers,
    a few large arrays (the shape of Wilson et al.'s and Zorn's measurements, in our own numbers)."""
    roll = rng.below(100)
    if roll < 45:
        return rng.between(8, 48)           # list nodes, small structs
    if roll < 70:
        return rng.between(49, 128)         # strings, records
    if roll < 90:
        return rng.between(129, 1024)       # line buffers, small arrays
    if roll < 98:
        return rng.between(1025, 8192)      # tables
    return rng.between(8193, 65536)         # the occasional big array


# ---- the traces ------------------------------------------------------------------------------------

def program_mix(rng):
    """A program's life: blocks of program-like sizes, most dying young (geometric lifetimes), a
    tenth living long; 12000 allocations."""
    t = Trace()
    young, old = [], []
    for _ in range(12000):
        block = t.alloc(program_size(rng))
        (old if rng.chance(10) else young).append(block)
        while young and rng.chance(55):
            t.free(take_random(rng, young))
        if old and rng.chance(3):
            t.free(take_random(rng, old))
    t.free_all(rng)
    return t


def phases(rng):
    """A compiler-like program in phases: each phase builds many small nodes of its own size mix,
    keeps a few results, and frees the rest at the phase's end; 8 phases."""
    t = Trace()
    kept = []
    for phase in range(8):
        lo = 16 + 16 * (phase % 4)
        nodes = [t.alloc(rng.between(lo, lo + 48)) for _ in range(1800)]
        for _ in range(60):
            kept.append(t.alloc(rng.between(64, 512)))
        shuffle(rng, nodes)
        for block in nodes:
            t.free(block)
    t.free_all(rng)
    return t


def binary_small_large(rng):
    """The binary pattern that fragments: alternate small (16..64) and large (448..512) blocks,
    free every large one, then ask for larger ones (576..640) that no hole fits. Three rounds."""
    t = Trace()
    smalls = []
    for _ in range(3):
        larges = []
        for _ in range(1500):
            smalls.append(t.alloc(rng.between(16, 64)))
            larges.append(t.alloc(rng.between(448, 512)))
        for block in larges:
            t.free(block)
        for _ in range(1000):
            larges.append(t.alloc(rng.between(576, 640)))
        for block in larges[1500:]:
            t.free(block)
    t.free_all()
    return t


def binary_free_small(rng):
    """The binary pattern's mirror: alternate small and large, free the small ones, then allocate
    medium blocks (96..160) that fit no small hole; the large blocks are freed last."""
    t = Trace()
    larges, mediums = [], []
    for _ in range(2):
        smalls = []
        for _ in range(2500):
            smalls.append(t.alloc(rng.between(16, 48)))
            larges.append(t.alloc(rng.between(256, 1024)))
        for block in smalls:
            t.free(block)
        for _ in range(2000):
            mediums.append(t.alloc(rng.between(96, 160)))
    t.free_all(rng)
    return t


def coalescing(rng):
    """Coalescing: allocate runs of 32 neighbouring blocks, free each run in a random order, then
    ask for one block as big as the run: only an allocator that merged the holes reuses them."""
    t = Trace()
    for _ in range(150):
        run = [t.alloc(rng.between(32, 256)) for _ in range(32)]
        total = sum(t.size[block] for block in run)
        order = list(run)
        shuffle(rng, order)
        for block in order:
            t.free(block)
        big = t.alloc(total)
        t.free(big)
    return t


def realloc_grow(rng):
    """Growing buffers (string builders): 40 buffers each grow by small steps (1..64 bytes) through
    realloc, interleaved with short-lived small allocations that sit between them in memory."""
    t = Trace()
    buffers = [t.alloc(rng.between(8, 32)) for _ in range(40)]
    smalls = []
    for _ in range(6000):
        block = buffers[rng.below(len(buffers))]
        t.realloc(block, t.size[block] + rng.between(1, 64))
        if rng.chance(40):
            smalls.append(t.alloc(rng.between(8, 96)))
        if len(smalls) > 50 or (smalls and rng.chance(35)):
            t.free(take_random(rng, smalls))
    t.free_all(rng)
    return t


def realloc_doubling(rng):
    """Vectors that double: each of 300 vectors grows from 16 bytes by doubling up to a random cap
    (256 B .. 128 KiB), with a few other allocations between the steps, and is shrunk to fit."""
    t = Trace()
    others = []
    for _ in range(300):
        cap = 1 << rng.between(8, 17)
        vec = t.alloc(16)
        nbytes = 16
        while nbytes < cap:
            nbytes *= 2
            t.realloc(vec, nbytes)
            if rng.chance(50):
                others.append(t.alloc(rng.between(16, 200)))
        t.realloc(vec, nbytes - rng.between(0, nbytes // 4))   # shrink to fit
        while len(others) > 30:
            t.free(take_random(rng, others))
        if rng.chance(70):
            t.free(vec)
    t.free_all(rng)
    return t


def random_small(rng):
    """Random small blocks (1..128 bytes) at a steady state of about 2000 live: each step allocates
    or frees a random live block; 20000 allocations."""
    t = Trace()
    live = []
    allocated = 0
    while allocated < 20000:
        if len(live) < 2000 or rng.chance(50):
            live.append(t.alloc(rng.between(1, 128)))
            allocated += 1
        else:
            t.free(take_random(rng, live))
    t.free_all(rng)
    return t


def random_wide(rng):
    """Random sizes over a wide range (16 B .. 32 KiB, log-uniform) at about 1000 live, with one
    realloc in ten; 12000 allocations."""
    t = Trace()
    live = []
    allocated = 0
    while allocated < 12000:
        roll = rng.below(100)
        if live and roll < 10:
            block = live[rng.below(len(live))]
            t.realloc(block, rng.log_uniform(16, 32768))
        elif len(live) < 1000 or roll < 55:
            live.append(t.alloc(rng.log_uniform(16, 32768)))
            allocated += 1
        else:
            t.free(take_random(rng, live))
    t.free_all(rng)
    return t


def many_live(rng):
    """Many live blocks: build up 10000 small blocks, free every other one (5000 holes), churn at
    random for 7500 steps, then free everything: long free lists for the list allocators. (Half of
    what it once was: stage 3's O(n) free made the larger one take a second of CPU.)"""
    t = Trace()
    blocks = [t.alloc(rng.between(16, 80)) for _ in range(10000)]
    live = []
    for k, block in enumerate(blocks):
        if k % 2 == 1:
            t.free(block)
        else:
            live.append(block)
    for _ in range(7500):
        if rng.chance(50):
            live.append(t.alloc(rng.between(16, 120)))
        else:
            t.free(take_random(rng, live))
    t.free_all(rng)
    return t


def growing_buffers(rng):
    """A parser's or a text editor's pattern: two buffers at a time grow through realloc by one
    appended piece (8..64 bytes) until they reach their length (64..2048 bytes: a token, a string
    literal, a line), then are kept and a new buffer starts; between the steps, small nodes (16..64
    bytes: tokens, syntax nodes) are allocated, kept to the document's end, a third of them
    temporaries freed soon after. Four documents of 200 buffers, each freed whole at its end. A
    growing buffer is often the heap's last chunk or has a temporary's hole after it: an allocator
    that grows in place there copies little."""
    t = Trace()
    for _ in range(4):
        kept, nodes, temporaries = [], [], []
        growing = [[t.alloc(16), rng.between(64, 2048)] for _ in range(2)]
        while len(kept) < 200:
            k = rng.below(len(growing))
            block, length = growing[k]
            t.realloc(block, min(length, t.size[block] + rng.between(8, 64)))
            if t.size[block] == length:
                kept.append(block)                      # complete: kept, and a new one begins
                growing[k] = [t.alloc(16), rng.between(64, 2048)]
            if rng.chance(50):
                node = t.alloc(rng.between(16, 64))
                (temporaries if rng.chance(33) else nodes).append(node)
            if temporaries and rng.chance(40):
                t.free(take_random(rng, temporaries))
        for block in kept + nodes + temporaries + [g[0] for g in growing]:
            t.free(block)
    return t


TRACES = [
    ("01-program-mix", 0x5EED0001, program_mix),
    ("02-phases", 0x5EED0002, phases),
    ("03-binary-free-large", 0x5EED0003, binary_small_large),
    ("04-binary-free-small", 0x5EED0004, binary_free_small),
    ("05-coalescing", 0x5EED0005, coalescing),
    ("06-realloc-grow", 0x5EED0006, realloc_grow),
    ("07-realloc-doubling", 0x5EED0007, realloc_doubling),
    ("08-random-small", 0x5EED0008, random_small),
    ("09-random-wide", 0x5EED0009, random_wide),
    ("10-many-live", 0x5EED000A, many_live),
]

# Perf-only traces, written into perf/ under the output folder: the grade's perf group replays them
# (docs/grading.md, "Performance"); the workload tests, which read only the top folder, do not.
PERF_TRACES = [
    ("11-growing-buffers", 0x5EED000B, growing_buffers),
]


def main():
    parser = argparse.ArgumentParser(description="Write heapkit's trace suite from fixed seeds.")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      "tests", "traces"))
    parser.add_argument("--list", action="store_true", help="print each trace's name, ids, ops and peak live bytes")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(os.path.join(args.out, "perf"), exist_ok=True)
    for name, seed, build in TRACES + PERF_TRACES:
        t = build(Rng(seed))
        folder = os.path.join(args.out, "perf") if (name, seed, build) in PERF_TRACES else args.out
        path = os.path.join(folder, name + ".rep")
        with open(path, "w", newline="\n") as f:
            f.write(t.text())
        if args.list:
            print("%-24s %6d ids %6d ops  peak live %9d bytes" % (name, t.next_id, len(t.ops), t.peak_live))
    return 0


if __name__ == "__main__":
    sys.exit(main())
