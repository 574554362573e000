/*
 * thp_stats.c: reads one per-size THP counter (Documentation/admin-guide/mm/transhuge.rst,
 * "hugepages-<size>kB/stats"); see thp_stats.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "thp_stats.h"

long long thp_size_stat(size_t folio_size, const char *name)
{
	char path[160], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/hugepages-%zukB/stats/%s",
		 folio_size / 1024, name);
	/* open, read, close: no stdio buffer and fstat for one number */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}
