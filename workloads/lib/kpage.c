/*
 * kpage.c: range reads of /proc/kpageflags and /proc/kpagecount (see kpage.h). Both files
 * describe the whole machine, not the process, so a descriptor opened once serves every
 * process forked afterwards too.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"

enum { KPAGEFLAGS, KPAGECOUNT };

/* The cached descriptor of /proc/kpageflags or /proc/kpagecount, or -errno. */
static int kpage_fd(int which)
{
	static const char *const paths[] = { "/proc/kpageflags", "/proc/kpagecount" };
	static int fds[] = { -1, -1 };

	if (fds[which] < 0) {
		fds[which] = open(paths[which], O_RDONLY | O_CLOEXEC);
		if (fds[which] < 0)
			return -errno;
	}
	return fds[which];
}

/* n words from index first of file which; *got: bytes read. 0 or -errno. */
static int kpage_words(int which, uint64_t first, long n, uint64_t *out, size_t *got)
{
	size_t want = (size_t)n * sizeof(*out);
	int fd = kpage_fd(which);
	ssize_t r = 0;

	*got = 0;
	if (fd < 0)
		return fd;
	while (*got < want) {
		r = pread(fd, (char *)out + *got, want - *got,
			  (off_t)(first * sizeof(*out) + *got));
		if (r <= 0)
			break;
		*got += (size_t)r;
	}
	return r < 0 && !*got ? -errno : 0;
}

static int kpage_range(int which, uint64_t first, long n, uint64_t *out)
{
	size_t got, want = (size_t)n * sizeof(*out);
	int err = kpage_words(which, first, n, out, &got);

	if (err)
		return err;
	if (!got && want)
		return -EIO;
	memset((char *)out + got, 0, want - got);
	return 0;
}

int kpageflags_range(uint64_t first_pfn, long n, uint64_t *out)
{
	return kpage_range(KPAGEFLAGS, first_pfn, n, out);
}

int kpagecount_range(uint64_t first_pfn, long n, uint64_t *out)
{
	return kpage_range(KPAGECOUNT, first_pfn, n, out);
}

int kpageflags_read(uint64_t pfn, uint64_t *flags)
{
	size_t got;
	int err = kpage_words(KPAGEFLAGS, pfn, 1, flags, &got);

	if (err)
		return err;
	return got == sizeof(*flags) ? 0 : -EIO;
}
