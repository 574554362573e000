/*
 * oracle_pin: hands the pin oracle of thp_pinned (workloads/lib/pin_check.h) real broken
 * states made on purpose, and correct ones, and prints what it returned:
 *  fixed_replaced  an io_uring fixed buffer whose middle quarter was replaced by fresh memory
 *                  (mmap MAP_FIXED) after registration: the kernel keeps the old pinned pages,
 *                  so its view is stale and its READ_FIXED data never reaches userspace;
 *  fixed_unmapped_changed  the middle quarter was written after pinning, then unmapped: the
 *                  kernel's view of the unmapped part is not the data at pin time;
 *  fixed_file_behind  after a correct WRITE_FIXED, one byte of the file is changed through a
 *                  second (shared) mapping of the memfd, behind io_uring's back;
 *  pipe_replaced   vmsplice, then the middle quarter replaced with different data;
 *  pipe_changed    vmsplice, then userspace writes into the middle quarter (the pipe sees it);
 *  fixed_correct / pipe_correct  munmap of the middle quarter and mprotect of the last one:
 *                  nothing may be reported.
 * "# expect:" lines give oracle_pin.t the address, page count and bytes to look for.
 */
#include <errno.h>
#include <sys/mman.h>

#include "oracle_util.h"
#include "pin_check.h"

#define TEST_NAME "oracle_pin"
#define USER_SEED 11
#define KERNEL_SEED 13

struct setup {
	struct thp_region r;
	char *snap;
	char *q;		/* start of the middle quarter */
	size_t qlen;
	struct pin_piece pc[3];
	char why[256];
};

/* Region, snapshot of its data, middle quarter, three pieces (all RW until a case says). */
static void setup_region(struct setup *s)
{
	oracle_region(&s->r, 1);
	s->qlen = s->r.len / 4;
	s->q = s->r.base + s->qlen;
	s->snap = malloc(s->r.len);
	if (!s->snap)
		exit(2);
	memcpy(s->snap, s->r.base, s->r.len);
	s->pc[0] = (struct pin_piece){ s->r.base, s->qlen, PIN_PIECE_RW };
	s->pc[1] = (struct pin_piece){ s->q, s->qlen, PIN_PIECE_RW };
	s->pc[2] = (struct pin_piece){ s->q + s->qlen, s->r.len - 2 * s->qlen, PIN_PIECE_RW };
}

/* Replaces the middle quarter by fresh anonymous memory filled with seed's pattern. */
static void replace_quarter(struct setup *s, uint64_t seed)
{
	if (mmap(s->q, s->qlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != s->q)
		exit(2);
	pattern_fill(s->q, s->qlen, seed);
}

static void result(const char *c, const struct pin_verdict *v)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_stale", c);
	oracle_result("pin", name, v->stale);
	snprintf(name, sizeof(name), "%s_lost", c);
	oracle_result("pin", name, v->lost);
}

static int run_fixed(const char *c, struct setup *s)
{
	struct pin_verdict v = { 0, 0 };
	struct pin_uring u;
	char *second;
	int ret = pin_uring_open(&u, s->r.len, s->why, sizeof(s->why));

	if (ret) {
		printf("# SKIP %s\n", s->why);
		return ret == 4 ? 4 : 2;
	}
	if (pin_uring_register(&u, s->r.base))
		return 2;
	if (!strcmp(c, "fixed_replaced")) {
		replace_quarter(s, ORACLE_SEED);
		printf("# expect: first=%p pages=%zu\n", (void *)s->q, s->qlen / PAGE_SIZE_4K);
	} else if (!strcmp(c, "fixed_unmapped_changed")) {
		s->q[100] ^= 0xff;
		printf("# expect: first=%p pages=1 expected=0x%02x actual=0x%02x\n",
		       (void *)(s->q + 100), (unsigned char)s->snap[s->qlen + 100],
		       (unsigned char)s->q[100]);
		if (munmap(s->q, s->qlen))
			return 2;
		s->pc[1].state = PIN_PIECE_GONE;
	} else if (!strcmp(c, "fixed_correct")) {
		if (munmap(s->q, s->qlen) || mprotect(s->pc[2].p, s->pc[2].len, PROT_READ))
			return 2;
		s->pc[1].state = PIN_PIECE_GONE;
		s->pc[2].state = PIN_PIECE_RO;
	}
	if (strcmp(c, "fixed_file_behind")) {
		ret = pin_check_fixed(TEST_NAME, &u, s->snap, s->pc, 3, USER_SEED, KERNEL_SEED,
				      &v, s->why, sizeof(s->why));
		if (ret)
			return 2;
		result(c, &v);
		return 0;
	}
	/* a correct WRITE_FIXED, then the file changed through a second mapping */
	if (pin_uring_kernel_view(&u))
		return 2;
	second = mmap(NULL, s->r.len, PROT_READ | PROT_WRITE, MAP_SHARED, u.file_fd, 0);
	if (second == MAP_FAILED)
		return 2;
	second[s->qlen + 4242] ^= 0x5a;
	printf("# expect: first=%p pages=1 expected=0x%02x actual=0x%02x\n",
	       (void *)(s->q + 4242), (unsigned char)s->q[4242],
	       (unsigned char)second[s->qlen + 4242]);
	if (pin_uring_read_file(&u))
		return 2;
	v.stale = pin_check_range(TEST_NAME, "kernel view vs userspace", (uintptr_t)s->r.base,
				  s->r.base, u.view, s->r.len);
	result(c, &v);
	munmap(second, s->r.len);
	pin_uring_close(&u);
	return 0;
}

static int run_pipe(const char *c, struct setup *s)
{
	struct pin_verdict v = { 0, 0 };
	struct pin_pipe pp;
	int ret = pin_pipe_splice(&pp, s->r.base, s->r.len, s->why, sizeof(s->why));

	if (ret) {
		printf("# SKIP %s\n", s->why);
		return ret == 4 ? 4 : 2;
	}
	if (!strcmp(c, "pipe_replaced")) {
		replace_quarter(s, ORACLE_SEED + 1);
		printf("# expect: first=%p pages=%zu\n", (void *)s->q, s->qlen / PAGE_SIZE_4K);
	} else if (!strcmp(c, "pipe_changed")) {
		pattern_fill(s->q, s->qlen, ORACLE_SEED + 1);
		printf("# expect: first=%p pages=%zu\n", (void *)s->q, s->qlen / PAGE_SIZE_4K);
	} else {
		if (munmap(s->q, s->qlen) || mprotect(s->pc[2].p, s->pc[2].len, PROT_READ))
			return 2;
		s->pc[1].state = PIN_PIECE_GONE;
		s->pc[2].state = PIN_PIECE_RO;
	}
	ret = pin_check_pipe(TEST_NAME, &pp, s->r.base, s->snap, s->pc, 3, &v, s->why,
			     sizeof(s->why));
	pin_pipe_close(&pp);
	if (ret)
		return 2;
	result(c, &v);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const cases[] = {
		"fixed_replaced", "fixed_unmapped_changed", "fixed_file_behind", "fixed_correct",
		"pipe_replaced", "pipe_changed", "pipe_correct", NULL
	};
	const char *c = oracle_case(argc, argv, cases);
	struct setup s;

	setup_region(&s);
	if (!strncmp(c, "fixed_", 6))
		return run_fixed(c, &s);
	return run_pipe(c, &s);
}
