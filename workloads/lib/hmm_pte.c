/*
 * hmm_pte.c: decodes /proc/self/pagemap words into the CPU page-table state of a page
 * (Documentation/admin-guide/mm/pagemap.rst; fs/proc/task_mmu.c pte_to_pagemap_entry: a
 * non-present entry is reported with bit 62 set, bits 0-4 its swap type and bits 5-54 its
 * offset, which is the PFN for migration, device and hwpoison entries; only root sees the
 * frame) with the special swap types of the running kernel (the layout found at run time,
 * see hmm_pte.h) and names the kpageflags bits of the PFN, for the evidence of
 * thp_device_migrate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hmm_pte.h"
#include "pagemap.h"
#include "thp_region.h"

#define PME_PRESENT	(1ULL << 63)
#define PME_SWAP	(1ULL << 62)
#define PME_FRAME_MASK	((1ULL << 55) - 1)

static struct hmm_swp_layout layout;

int hmm_swp_layout_set(unsigned int device_write, int hwpoison)
{
	if (device_write < HMM_SWP_PTE_MARKER - 4 || device_write > HMM_SWP_PTE_MARKER - 2)
		return -EINVAL;
	layout.device_write = device_write;
	layout.device_num = HMM_SWP_PTE_MARKER - device_write;
	layout.hwpoison = hwpoison != 0;
	return 0;
}

void hmm_swp_layout_reset(void)
{
	memset(&layout, 0, sizeof(layout));
}

const struct hmm_swp_layout *hmm_swp_layout_get(void)
{
	return &layout;
}

const char *hmm_swp_layout_describe(char *buf, size_t len)
{
	unsigned int w = layout.device_write;
	unsigned int files = w - 3 - (layout.hwpoison ? 1 : 0);	/* first non-file type */
	char hwp[16] = "none";

	if (!w) {
		snprintf(buf, len, "swap types: layout not known, %d-%d special",
			 HMM_SWP_LOWEST_SPECIAL, HMM_SWP_PTE_MARKER);
		return buf;
	}
	if (layout.hwpoison)
		snprintf(hwp, sizeof(hwp), "%u", w - 4);
	snprintf(buf, len, "swap types: marker %d, device %u-%d (write %u, read %u), "
		 "migration %u-%u, hwpoison %s, files 0-%u", HMM_SWP_PTE_MARKER, w,
		 HMM_SWP_PTE_MARKER - 1, w, w + 1, w - 3, w - 1, hwp, files - 1);
	return buf;
}

/* Sets kind and writable for a special swap type under the current layout. */
static void decode_special(unsigned int type, struct hmm_pte_state *s)
{
	unsigned int w = layout.device_write;

	if (type == HMM_SWP_PTE_MARKER) {
		s->kind = HMM_PTE_MARKER;
	} else if (!w) {
		s->kind = type >= HMM_SWP_LOWEST_SPECIAL ? HMM_PTE_SPECIAL : HMM_PTE_SWAP;
	} else if (type >= w + 2) {
		/* 6.12: exclusive write, read; 7.2: one exclusive type */
		s->kind = HMM_PTE_DEVICE_EXCLUSIVE;
		s->writable = layout.device_num == 4 && type == w + 2;
	} else if (type >= w) {
		s->kind = HMM_PTE_DEVICE_PRIVATE;
		s->writable = type == w;
	} else if (type >= w - 3) {
		s->kind = HMM_PTE_MIGRATION;
		s->writable = type == w - 1;
	} else if (layout.hwpoison && type == w - 4) {
		s->kind = HMM_PTE_HWPOISON;
	} else {
		s->kind = HMM_PTE_SWAP;
	}
	/* marker, ordinary swap and unknown types carry no PFN */
	s->has_pfn = s->kind != HMM_PTE_MARKER && s->kind != HMM_PTE_SWAP &&
		s->kind != HMM_PTE_SPECIAL;
}

void hmm_pte_decode(uint64_t pme, struct hmm_pte_state *s)
{
	uint64_t frame = pme & PME_FRAME_MASK;

	memset(s, 0, sizeof(*s));
	s->pme = pme;
	if (pme & PME_PRESENT) {
		s->kind = HMM_PTE_PRESENT;
		s->frame = frame;
		s->has_pfn = frame != 0;
		return;
	}
	if (!(pme & PME_SWAP)) {
		s->kind = HMM_PTE_NONE;
		return;
	}
	s->swp_type = (unsigned int)(frame & ((1U << HMM_SWP_TYPE_BITS) - 1));
	s->frame = frame >> HMM_SWP_TYPE_BITS;
	decode_special(s->swp_type, s);
	/* without CAP_SYS_ADMIN the frame reads 0: no PFN to look up */
	if (!frame)
		s->has_pfn = 0;
}

const char *hmm_pte_kind_name(enum hmm_pte_kind kind)
{
	static const char *const names[] = {
		"none", "present", "swap", "hwpoison", "migration", "device-private",
		"device-exclusive", "pte-marker", "special?",
	};

	return kind < HMM_PTE_KINDS ? names[kind] : "?";
}

int hmm_pagemap_words(uintptr_t start, size_t npages, uint64_t *pme)
{
	size_t want = npages * sizeof(*pme);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, pme, want, (off_t)(start / PAGE_SIZE_4K * sizeof(*pme)));
	if (n != (ssize_t)want) {
		int err = n < 0 ? -errno : -EIO;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

void hmm_pte_read_state(uint64_t pme, struct hmm_pte_state *s)
{
	hmm_pte_decode(pme, s);
	if (s->has_pfn && !kpageflags_read(s->frame, &s->kflags))
		s->kflags_valid = 1;
}

/* include/uapi/linux/kernel-page-flags.h, bits 0-26 */
static const char *const kpf_names[] = {
	"locked", "error", "referenced", "uptodate", "dirty", "lru", "active", "slab",
	"writeback", "reclaim", "buddy", "mmap", "anon", "swapcache", "swapbacked",
	"compound_head", "compound_tail", "huge", "unevictable", "hwpoison", "nopage", "ksm",
	"thp", "offline", "zero_page", "idle", "pgtable",
};

const char *hmm_pte_describe(const struct hmm_pte_state *s, char *buf, size_t len)
{
	size_t used;
	unsigned int bit;
	int n;

	n = snprintf(buf, len, "pagemap 0x%016llx: %s", (unsigned long long)s->pme,
		     hmm_pte_kind_name(s->kind));
	used = n < 0 ? 0 : (size_t)n;
	if (used < len && s->kind != HMM_PTE_NONE && s->kind != HMM_PTE_PRESENT) {
		n = snprintf(buf + used, len - used, "%s entry, swap type %u, %s 0x%llx",
			     s->writable ? " (write)" : "", s->swp_type,
			     s->has_pfn ? "pfn" : "offset", (unsigned long long)s->frame);
		used += n < 0 ? 0 : (size_t)n;
	} else if (used < len && s->kind == HMM_PTE_PRESENT) {
		n = snprintf(buf + used, len - used, ", pfn 0x%llx", (unsigned long long)s->frame);
		used += n < 0 ? 0 : (size_t)n;
	}
	if (used < len && s->kflags_valid) {
		n = snprintf(buf + used, len - used, ", kpageflags 0x%llx [",
			     (unsigned long long)s->kflags);
		used += n < 0 ? 0 : (size_t)n;
		for (bit = 0; bit < sizeof(kpf_names) / sizeof(kpf_names[0]) && used < len;
		     bit++) {
			if (!(s->kflags & (1ULL << bit)))
				continue;
			n = snprintf(buf + used, len - used, "%s%s",
				     buf[used - 1] == '[' ? "" : " ", kpf_names[bit]);
			used += n < 0 ? 0 : (size_t)n;
		}
		if (used < len)
			snprintf(buf + used, len - used, "]");
	}
	return buf;
}
