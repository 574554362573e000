/*
 * hugetlb_pool.c: /proc/meminfo hugetlb and HardwareCorrupted fields
 * (Documentation/admin-guide/mm/hugetlbpage.rst, Documentation/filesystems/proc.rst) as
 * numbers and deltas, and the nr_hugepages knob.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hugetlb_pool.h"
#include "report.h"

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

int hugetlb_meminfo_read(struct hugetlb_meminfo *m)
{
	static const char *const keys[] = { "HugePages_Total:", "HugePages_Free:",
					    "HugePages_Rsvd:", "HugePages_Surp:",
					    "HardwareCorrupted:", "Hugepagesize:" };
	long long *fields[] = { &m->total, &m->free, &m->rsvd, &m->surp, &m->hwcorrupt_kb,
				&m->hpage_kb };
	char key[64];
	long long v;
	FILE *f = fopen("/proc/meminfo", "re");
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		*fields[i] = -1;
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %lld%*[^\n]", key, &v) == 2) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i]))
				*fields[i] = v;
	}
	fclose(f);
	return m->total < 0 || m->hpage_kb <= 0 ? -ENOENT : 0;
}

void hugetlb_meminfo_print(const char *test, const char *stage, const struct hugetlb_meminfo *m)
{
	printf("# %s: meminfo %s: HugePages_Total=%lld HugePages_Free=%lld HugePages_Rsvd=%lld "
	       "HugePages_Surp=%lld HardwareCorrupted=%lld kB\n", test, stage, m->total, m->free,
	       m->rsvd, m->surp, m->hwcorrupt_kb);
}

/* The fields the checks compare: name, before, after, wanted delta. */
struct meminfo_field {
	const char *name;
	long long b, a, w;
};

#define MEMINFO_FIELDS 5

static void meminfo_fields(const struct hugetlb_meminfo *before,
			   const struct hugetlb_meminfo *after,
			   const struct hugetlb_meminfo *want, struct meminfo_field *f)
{
	f[0] = (struct meminfo_field){ "hugepages_total", before->total, after->total,
				       want->total };
	f[1] = (struct meminfo_field){ "hugepages_free", before->free, after->free, want->free };
	f[2] = (struct meminfo_field){ "hugepages_rsvd", before->rsvd, after->rsvd, want->rsvd };
	f[3] = (struct meminfo_field){ "hugepages_surp", before->surp, after->surp, want->surp };
	f[4] = (struct meminfo_field){ "hardware_corrupted_kb", before->hwcorrupt_kb,
				       after->hwcorrupt_kb, want->hwcorrupt_kb };
}

long hugetlb_meminfo_check(const char *test, const char *stage,
			   const struct hugetlb_meminfo *before,
			   const struct hugetlb_meminfo *after,
			   const struct hugetlb_meminfo *want)
{
	struct meminfo_field f[MEMINFO_FIELDS];
	char what[96];
	long bad = 0;
	int i;

	meminfo_fields(before, after, want, f);
	for (i = 0; i < MEMINFO_FIELDS; i++) {
		snprintf(what, sizeof(what), "%s_%s_delta", stage, f[i].name);
		bad += report_check_long(test, what, f[i].w, f[i].a - f[i].b);
	}
	return bad;
}

int hugetlb_meminfo_agrees(const struct hugetlb_meminfo *before,
			   const struct hugetlb_meminfo *after,
			   const struct hugetlb_meminfo *want)
{
	struct meminfo_field f[MEMINFO_FIELDS];
	int i;

	meminfo_fields(before, after, want, f);
	for (i = 0; i < MEMINFO_FIELDS; i++)
		if (f[i].a - f[i].b != f[i].w)
			return 0;
	return 1;
}

void hugetlb_poison_expected(long poisoned, int dissolved, struct hugetlb_meminfo *want)
{
	memset(want, 0, sizeof(*want));
	if (poisoned <= 0)
		return;
	want->total = dissolved ? -1 : 0;
	want->free = -1;
	want->hwcorrupt_kb = 4LL * poisoned;
}

int hugetlb_page_shift(const struct hugetlb_meminfo *m)
{
	long long bytes = m->hpage_kb * 1024;
	int shift = 0;

	if (bytes <= 0 || (bytes & (bytes - 1)))
		return -1;
	while ((1LL << shift) < bytes)
		shift++;
	return shift;
}

long long hugetlb_nr_hugepages(void)
{
	FILE *f = fopen(NR_HUGEPAGES, "re");
	long long nr = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%lld", &nr) != 1)
		nr = -EIO;
	fclose(f);
	return nr;
}

int hugetlb_set_nr_hugepages(long long nr)
{
	FILE *f = fopen(NR_HUGEPAGES, "we");
	int err = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%lld\n", nr) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}
