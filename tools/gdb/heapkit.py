"""tools/gdb/heapkit.py: gdb commands for a heapkit runner (make debug loads it).

    (gdb) heap            the chunk walk of the simulated heap (stages 3-5: common/chunk.h) and the
                          free lists rebuilt from the free chunks' next links; stages 1, 2 and 6 get
                          the heap's bounds and the seam's counts
    (gdb) heap all        every chunk (without it: the first 60 and the last 20)
    (gdb) chunk ADDR      one chunk: its header and footer words, for a chunk or a payload address
    (gdb) heapkit-enter   stopped in runner_at_operation (harness/runner/runner_hook.h): on to the first
                          line of the stage's function that operation calls (make debug does this)

The layout is read from memory, as the grader's own heap walk does (common/heapwalk.c): a header of
two words (size | in-use bit 0, next free chunk) at the chunk's start, a footer of two words (size,
prev free chunk) at its end. Offsets are from the heap's start, as in the grader's messages.
"""
import gdb

HEADER = 16
UNIT = 16
SHOWN_HEAD, SHOWN_TAIL = 60, 20


def word(addr):
    mem = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(mem), 'little')


def seam_view():
    """(heap start, break) as the runner's seam last heard from the grader (runner_seam.c)."""
    try:
        view = gdb.parse_and_eval("'runner_seam.c'::view")
    except gdb.error:
        view = gdb.parse_and_eval('view')
    return int(view['heap_start']), int(view['brk']), view['stats']


def walk(start, brk):
    """[(addr, size, in_use, next, footer_size, footer_prev)] and an error text ('' if the walk ended at the break)."""
    chunks = []
    at = (start + UNIT - 1) & ~(UNIT - 1)
    while at < brk:
        if brk - at < 2 * HEADER:
            return chunks, f'{brk - at} bytes at offset {at - start:#x} are too few for a chunk'
        size_status = word(at)
        size, in_use = size_status & ~(UNIT - 1), size_status & 1
        if size < 3 * UNIT or at + size > brk:
            return chunks, (f'the header at offset {at - start:#x} gives size {size} (status {in_use}): '
                            f'not a chunk of the shared layout, or a broken one')
        chunks.append((at, size, in_use, word(at + 8), word(at + size - 16), word(at + size - 8)))
        at += size
    return chunks, ''


def free_lists(chunks):
    """Lists of free chunks: each starts at a free chunk no other free chunk's next names."""
    free = {c[0]: c for c in chunks if not c[2]}
    named = {c[3] for c in free.values()}
    lists = []
    for addr in sorted(a for a in free if a not in named):
        seen, run, at = set(), [], addr
        while at in free and at not in seen:
            seen.add(at)
            run.append(at)
            at = free[at][3]
        lists.append((run, at))
    return lists


def off(addr, start):
    return 'NULL' if addr == 0 else f'{addr - start:#x}'


class Heap(gdb.Command):
    """heap [all]: the simulated heap's chunks and free lists (tools/gdb/heapkit.py)."""

    def __init__(self):
        super().__init__('heap', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        start, brk, stats = seam_view()
        print(f'heap [{start:#x}, {brk:#x}): {brk - start} bytes; brk calls {int(stats["brk_calls"])}, '
              f'sbrk calls {int(stats["sbrk_calls"])}, mmap calls {int(stats["mmap_calls"])}')
        chunks, error = walk(start, brk)
        if not chunks:
            print('  no chunk of the shared layout (stages 1, 2 and 6 keep none in the heap)' if not error else
                  f'  {error}')
            return
        print(f'  {"offset":>10} {"bytes":>8}  status  {"next":>10} {"footer":>8} {"prev":>10}')
        show_all = arg.strip() == 'all'
        for i, (addr, size, in_use, nxt, fsize, fprev) in enumerate(chunks):
            if not show_all and SHOWN_HEAD <= i < len(chunks) - SHOWN_TAIL:
                if i == SHOWN_HEAD:
                    print(f'  ... {len(chunks) - SHOWN_HEAD - SHOWN_TAIL} chunks ("heap all" shows them)')
                continue
            mark = '' if fsize == size else f'   <- footer says {fsize}'
            links = (f'{off(nxt, start):>10} {fsize:>8} {off(fprev, start):>10}' if not in_use
                     else f'{"":>10} {fsize:>8} {"":>10}')
            print(f'  {addr - start:#10x} {size:>8}  {"used" if in_use else "FREE":6}  {links}{mark}')
        if error:
            print(f'  walk stopped: {error}')
        used = sum(1 for c in chunks if c[2])
        print(f'  {len(chunks)} chunks: {used} in use, {len(chunks) - used} free')
        for n, (run, end) in enumerate(free_lists(chunks), 1):
            tail = '' if end == 0 else f' -> {off(end, start)} (not a free chunk: the list is broken here)'
            if end in {a for a in run}:
                tail = f' -> back to {off(end, start)} (a cycle)'
            print(f'  free list {n}: ' + ' -> '.join(off(a, start) for a in run[:30]) +
                  (' ...' if len(run) > 30 else '') + tail)


class Chunk(gdb.Command):
    """chunk ADDR: one chunk's header and footer (ADDR: the chunk, or a payload as malloc returned it)."""

    def __init__(self):
        super().__init__('chunk', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        start, brk, _ = seam_view()
        addr = int(gdb.parse_and_eval(arg))
        for at in (addr, addr - HEADER):
            if any(c[0] == at for c in walk(start, brk)[0]):
                size_status = word(at)
                size = size_status & ~(UNIT - 1)
                print(f'chunk at offset {at - start:#x} (payload {at + HEADER:#x}): size {size}, '
                      f'{"in use" if size_status & 1 else "free"}, next {off(word(at + 8), start)}; '
                      f'footer size {word(at + size - 16)}, prev {off(word(at + size - 8), start)}')
                return
        print(f'{addr:#x} is neither a chunk nor a payload of the heap walk')


# The protocol's operations (harness/runner/protocol.h) and the contract's functions they call.
CALLS = {1: 'heapmgr_malloc', 2: 'heapmgr_free', 3: 'heapmgr_realloc', 4: 'heapmgr_calloc', 5: 'heapmgr_check'}


class Enter(gdb.Command):
    """heapkit-enter: from runner_at_operation on into the stage's function of that operation."""

    def __init__(self):
        super().__init__('heapkit-enter', gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        try:
            number = int(gdb.parse_and_eval('number'))
            op = int(gdb.parse_and_eval('op'))
            a, b = int(gdb.parse_and_eval('a')), int(gdb.parse_and_eval('b'))
        except gdb.error:
            print('heapkit-enter: not stopped in runner_at_operation (did the test reach that operation?)')
            return
        name = CALLS.get(op)
        if name is None:
            print(f'heapkit-enter: operation {number} is no allocator call ({op})')
            return
        words = {1: f'{name}({a})', 2: f'{name}({a:#x})', 3: f'{name}({a:#x}, {b})', 4: f'{name}({a}, {b})',
                 5: f'{name}()'}[op]
        print(f'heapkit: operation {number} is {words}; on to its first line')
        gdb.execute(f'tbreak {name}', to_string=True)
        gdb.execute('continue')


Heap()
Chunk()
Enter()
