/*
 * guest_mark.h: how the test-only workloads that act on the kernel (tests/panic_trigger.c,
 * tests/stall_trigger.c) recognise a splitfail guest: boot-guest.sh puts the word
 * splitfail.guest=1 on the guest kernel's command line. Without it they refuse to act.
 */
#ifndef SPLITFAIL_GUEST_MARK_H
#define SPLITFAIL_GUEST_MARK_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define GUEST_MARK "splitfail.guest=1"

/* Number of times the word occurs in /proc/cmdline (0 when absent), or -1 on a read error. */
static inline int cmdline_word_count(const char *word)
{
	char buf[4096], *tok, *save = NULL;
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	int count = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
		count += !strcmp(tok, word);
	return count;
}

#endif
