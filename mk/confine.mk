# mk/confine.mk: the test driver of harness/confine/ and of the confined build of submissions
# (run by tests/suites/32-confine).
$(B)/tests/confine/confine_test: tests/confine/confine_test.c $(B)/harness/libharness.a
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) $(HARNESS_INC) -o $@ $< $(B)/harness/libharness.a

TEST_PROGS += $(B)/tests/confine/confine_test
