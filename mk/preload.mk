# The preload library: build/<stage>/libheapmgr-preload.so, each stage as a drop-in malloc for
# LD_PRELOAD (kernel seam, one lock, the whole malloc family), and `make run STAGE=n CMD="..."`.
#
# Every object of the library is compiled position-independent and hidden: only the malloc family
# (marked PRELOAD_EXPORT in preload/) is visible to the program. The compiler must not turn code
# inside malloc into calls to malloc (it may rewrite malloc+memset as calloc), hence -fno-builtin-*.

PRELOAD_SRCS   := $(wildcard preload/*.c)
PRELOAD_HDRS   := $(wildcard preload/*.h)
PRELOAD_CFLAGS  = $(ALLFLAGS) -fPIC -fvisibility=hidden -pthread \
                  -fno-builtin-malloc -fno-builtin-calloc -fno-builtin-realloc -fno-builtin-free
PRELOAD_COMMON := $(B)/common/pic/os_kernel.o $(B)/common/pic/os_count.o $(B)/common/pic/heapwalk.o

$(B)/common/pic/%.o: common/%.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PRELOAD_CFLAGS) -c $< -o $@

# Stages whose chunks carry their size in the shared header (preload/block.h): no tag on ordinary
# blocks. 1: header and footer around the payload (stages 3-5); 2: a header only (stage 6).
preload_header = $(if $(filter stage3_list stage4_dlist stage5_bins,$(1)),-DHEAPKIT_PRELOAD_HEADER=1,$(if $(filter stage6_mmap,$(1)),-DHEAPKIT_PRELOAD_HEADER=2))

# preload_rules(stage folder): the stage, alloc_extra and the preload layer compiled for that stage.
define preload_rules
$(B)/$(1)/pic/heapmgr.o: $(1)/heapmgr.c $(COMMON_HDRS)
	@mkdir -p $$(@D)
	$(CC) $(PRELOAD_CFLAGS) -c $$< -o $$@

$(B)/$(1)/pic/alloc_extra.o: common/alloc_extra.c $(COMMON_HDRS)
	@mkdir -p $$(@D)
	$(CC) $(PRELOAD_CFLAGS) -c $$< -o $$@

$(B)/$(1)/pic/preload-%.o: preload/%.c $(PRELOAD_HDRS) $(COMMON_HDRS)
	@mkdir -p $$(@D)
	$(CC) $(PRELOAD_CFLAGS) -DHEAPKIT_STAGE_FOLDER='"$(1)"' $(call preload_header,$(1)) -c $$< -o $$@

$(B)/$(1)/libheapmgr-preload.so: $(B)/$(1)/pic/heapmgr.o $(B)/$(1)/pic/alloc_extra.o $(PRELOAD_COMMON) \
        $(patsubst preload/%.c,$(B)/$(1)/pic/preload-%.o,$(PRELOAD_SRCS))
	$(CC) -shared -pthread -Wl,-z,defs -Wl,-z,now -o $$@ $$^
endef

$(foreach s,$(ALL_STAGES),$(eval $(call preload_rules,$(s))))

all: $(foreach s,$(ALL_STAGES),$(B)/$(s)/libheapmgr-preload.so)

# The test programs run under each stage's library: the malloc family's semantics, and stage 6's meeting
# with the kernel's limit on mappings.
$(B)/tests/preload/%: tests/preload/%.c
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -pthread -o $@ $< -ldl

TEST_PROGS += $(B)/tests/preload/api_test $(B)/tests/preload/map_holes

.PHONY: run
run: $(B)/heapkit $(LAB_FOR_STAGE) $(if $(filter 1 2 3 4 5 6 7 8,$(STAGE)),$(B)/$(word $(STAGE),$(ALL_STAGES))/libheapmgr-preload.so) \
     $(if $(filter buddy slab,$(STAGE)),$(B)/beyond/$(STAGE)/libheapmgr-preload.so)
	@test -n "$(STAGE)" -a -n "$(CMD)" || { echo 'usage: make run STAGE=n CMD="command args..."'; exit 2; }
	$(LAB_ENV) $(B)/heapkit run --stage $(STAGE) -- $(CMD)
