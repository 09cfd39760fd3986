/* TRICK: the assembler's .incbin puts a trace of the kit (@KIT@/tests/traces/05-coalescing.rep: on
 *        an engine, hidden test data) into the program at build time, and a constructor prints it;
 *        the allocator is the stage 2 reference.
 * STAGE: 2
 * BASE: stage2_pad
 * EXPECT: build-refused
 * STOPPED BY: the confined build sees only the submission and the public headers: the assembler
 *        cannot open the trace, exit 2, and no line of it shows.
 */
/* TRICK BEGIN */
__asm__(".section .rodata\n"
        "hostile_trace_bytes:\n"
        ".incbin \"@KIT@/tests/traces/05-coalescing.rep\", 0, 16384\n"
        ".byte 0\n"
        ".previous\n");

__attribute__((constructor)) static void hostile_show_trace(void)
{
    const char *trace;
    __asm__("lea hostile_trace_bytes(%%rip), %0" : "=r"(trace));
    fputs(trace, stdout);
    fflush(stdout);
}
/* TRICK END */
