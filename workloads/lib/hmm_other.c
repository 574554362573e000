/*
 * hmm_other.c: evidence for pages a migration ioctl of the HMM test device left neither on
 * the device nor in system memory (see hmm_other.h): their pagemap state right after the
 * ioctl and after a pause, the PFN's kpageflags, a second snapshot byte and a bounded CPU
 * read, judged by hmm_other_classify().
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hmm_dmirror.h"
#include "hmm_other.h"
#include "pattern.h"
#include "thp_region.h"

enum hmm_other_class hmm_other_classify(const struct hmm_other_page *pg)
{
	enum hmm_pte_kind k = pg->now.kind;

	/* lost data, or an entry nobody resolves: the kernel broke its promise */
	if (pg->access == HMM_ACCESS_STUCK || pg->access == HMM_ACCESS_WRONG)
		return HMM_OTHER_BROKEN;
	if (k == HMM_PTE_HWPOISON)
		return HMM_OTHER_BROKEN;
	if (pg->access == HMM_ACCESS_NOT_TRIED)
		return pg->later.kind == HMM_PTE_MIGRATION || k == HMM_PTE_NONE ||
			k == HMM_PTE_MARKER ? HMM_OTHER_BROKEN : HMM_OTHER_TRANSIENT;
	/* the page reads back the pattern from here on */
	if (k == HMM_PTE_MIGRATION || k == HMM_PTE_PRESENT || k == HMM_PTE_DEVICE_PRIVATE ||
	    k == HMM_PTE_DEVICE_EXCLUSIVE)
		return HMM_OTHER_TRANSIENT;
	return HMM_OTHER_NOT_RESIDENT;
}

const char *hmm_other_class_name(enum hmm_other_class cls)
{
	static const char *const names[] = { "broken", "transient", "not-resident" };

	return cls <= HMM_OTHER_NOT_RESIDENT ? names[cls] : "?";
}

struct cpu_read {
	volatile const uint8_t *addr;
	uint8_t byte;
	volatile int done;
};

static void *cpu_read_thread(void *arg)
{
	struct cpu_read *rd = arg;

	rd->byte = *rd->addr;
	rd->done = 1;
	return NULL;
}

/*
 * Reads one byte of the page from a helper thread and waits up to access_ms. A thread that
 * does not return is left behind (it spins in the fault handler and dies with the process);
 * the caller must not touch the page again.
 */
static enum hmm_access cpu_read_bounded(struct hmm_other_page *pg, uint64_t seed,
					int access_ms)
{
	static struct cpu_read rd;	/* outlives a stuck thread */
	struct timespec until;
	pthread_t t;

	memset(&rd, 0, sizeof(rd));
	rd.addr = (volatile const uint8_t *)pg->addr;
	pg->expected = pattern_byte(pg->addr, seed);
	if (pthread_create(&t, NULL, cpu_read_thread, &rd))
		return HMM_ACCESS_NOT_TRIED;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += access_ms / 1000;
	until.tv_nsec += (long)(access_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(t, NULL, &until)) {
		pthread_detach(t);
		return HMM_ACCESS_STUCK;
	}
	pg->got = rd.byte;
	return pg->got == pg->expected ? HMM_ACCESS_PATTERN : HMM_ACCESS_WRONG;
}

static const char *access_text(const struct hmm_other_page *pg, char *buf, size_t len)
{
	switch (pg->access) {
	case HMM_ACCESS_PATTERN:
		snprintf(buf, len, "CPU read 0x%02x = pattern", pg->got);
		break;
	case HMM_ACCESS_WRONG:
		snprintf(buf, len, "CPU read 0x%02x, pattern 0x%02x", pg->got, pg->expected);
		break;
	case HMM_ACCESS_STUCK:
		snprintf(buf, len, "CPU read did not return");
		break;
	default:
		snprintf(buf, len, "CPU read not tried");
		break;
	}
	return buf;
}

void hmm_other_print(const char *test, const struct hmm_other_page *pg)
{
	char now[256], later[256], acc[64];

	printf("# %s: unplaced page at 0x%lx: snapshot 0x%02x; right after the ioctl %s; "
	       "after the pause snapshot 0x%02x, %s; %s => %s\n", test, (unsigned long)pg->addr,
	       pg->perm, hmm_pte_describe(&pg->now, now, sizeof(now)), pg->perm_later,
	       pg->later.pme == pg->now.pme ? "pagemap unchanged" :
	       hmm_pte_describe(&pg->later, later, sizeof(later)),
	       access_text(pg, acc, sizeof(acc)), hmm_other_class_name(pg->cls));
}

void hmm_other_look(struct hmm_other_page *pg, uintptr_t addr, unsigned char perm,
		    unsigned char perm_later, uint64_t pme, uint64_t pme_later, uint64_t seed,
		    int access_ms)
{
	memset(pg, 0, sizeof(*pg));
	pg->addr = addr;
	pg->perm = perm;
	pg->perm_later = perm_later;
	hmm_pte_read_state(pme, &pg->now);
	hmm_pte_read_state(pme_later, &pg->later);
	/* a hwpoison entry (or a type not known to be none) would kill us with SIGBUS */
	pg->access = access_ms <= 0 || pg->now.kind == HMM_PTE_HWPOISON ||
		pg->now.kind == HMM_PTE_SPECIAL ?
		HMM_ACCESS_NOT_TRIED : cpu_read_bounded(pg, seed, access_ms);
	pg->cls = hmm_other_classify(pg);
}

int hmm_other_investigate(const char *test, int fd, uintptr_t base, size_t npages,
			  const unsigned char *perm, const uint64_t *pme, uint64_t seed,
			  int pause_ms, int access_ms, struct hmm_other_summary *sum)
{
	unsigned char *perm_later = malloc(npages);
	uint64_t *pme_later = calloc(npages, sizeof(*pme_later));
	struct hmm_other_page pg;
	int err = 0, stuck = 0;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	if (!perm_later || !pme_later) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < npages; i++)
		sum->pages += hmm_place_of(perm[i]) == HMM_PLACE_OTHER;
	if (!sum->pages)
		goto out;
	usleep((useconds_t)pause_ms * 1000);
	err = hmm_pagemap_words(base, npages, pme_later);
	if (!err)
		err = hmm_snapshot_perm(fd, (void *)base, npages * PAGE_SIZE_4K, perm_later);
	if (err)
		goto out;
	for (i = 0; i < npages; i++) {
		if (hmm_place_of(perm[i]) != HMM_PLACE_OTHER)
			continue;
		hmm_other_look(&pg, base + i * PAGE_SIZE_4K, perm[i], perm_later[i], pme[i],
			       pme_later[i], seed, stuck ? 0 : access_ms);
		stuck |= pg.access == HMM_ACCESS_STUCK;
		sum->by_kind[pg.now.kind]++;
		sum->stayed += pme_later[i] == pme[i];
		sum->by_class[pg.cls]++;
		sum->stuck += pg.access == HMM_ACCESS_STUCK;
		if (sum->by_kind[pg.now.kind] <= HMM_OTHER_SHOWN)
			hmm_other_print(test, &pg);
	}
	printf("# %s: unplaced pages: %ld (none %ld, present %ld, swap %ld, hwpoison %ld, "
	       "migration %ld, device-private %ld, device-exclusive %ld, pte-marker %ld, "
	       "special? %ld); %ld unchanged after %d ms; broken %ld, transient %ld, "
	       "not-resident %ld; "
	       "CPU reads stuck %ld\n", test, sum->pages, sum->by_kind[HMM_PTE_NONE],
	       sum->by_kind[HMM_PTE_PRESENT], sum->by_kind[HMM_PTE_SWAP],
	       sum->by_kind[HMM_PTE_HWPOISON], sum->by_kind[HMM_PTE_MIGRATION],
	       sum->by_kind[HMM_PTE_DEVICE_PRIVATE], sum->by_kind[HMM_PTE_DEVICE_EXCLUSIVE],
	       sum->by_kind[HMM_PTE_MARKER], sum->by_kind[HMM_PTE_SPECIAL], sum->stayed,
	       pause_ms,
	       sum->by_class[HMM_OTHER_BROKEN], sum->by_class[HMM_OTHER_TRANSIENT],
	       sum->by_class[HMM_OTHER_NOT_RESIDENT], sum->stuck);
out:
	free(perm_later);
	free(pme_later);
	return err;
}
