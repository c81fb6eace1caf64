/* fd_io.c: file I/O whose arguments and results live in tracee memory, for
 * memory read/write tests.
 *   fd_io DIR
 * Opens DIR, creates DIR/fd_io.tmp with openat, writes, writev's, lseeks,
 * reads back, pwrite/pread/readv, writes and reads back 200000 bytes that
 * span many pages, fstat/fstatat, ftruncate, unlinkat, closes, and prints
 * one line per step (see the expected output in testdata/README.md).
 * Exit status 0 when every step gave the expected result, 1 otherwise,
 * 2 on bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common.h"


static int failures;

static void check(int ok)
{
	if (!ok)
		failures++;
}

/* C-style quoting of n bytes of s into a static buffer. */
static const char *quote(const char *s, ssize_t n)
{
	static char buf[512];
	size_t o = 0;
	buf[o++] = '"';
	for (ssize_t i = 0; i < n && o < sizeof buf - 8; i++) {
		unsigned char c = s[i];
		if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = c;
		} else if (c < 32 || c > 126) {
			o += snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
		} else {
			buf[o++] = c;
		}
	}
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}

static const char *err(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EEXIST: return "EEXIST";
	case EACCES: return "EACCES";
	}
	return strerror(e);
}

static uint32_t fnv(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

#define NAME "fd_io.tmp"
#define BIG 200000
#define BIG_OFF 64

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fd_io DIR\n");
		return 2;
	}
	umask(022);
	int dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		out("open dir: %s\n", err(errno));
		return 1;
	}
	int fd = openat(dirfd, NAME, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		out("openat: %s\n", err(errno));
		return 1;
	}
	out("openat: ok\n");

	const char *first = "hello, tracer\n";
	ssize_t r = write(fd, first, strlen(first));
	out("write: %zd\n", r);
	check(r == 14);

	char second[] = "second line\n", third[] = "third line\n";
	struct iovec wv[2] = {{second, strlen(second)}, {third, strlen(third)}};
	r = writev(fd, wv, 2);
	out("writev: %zd\n", r);
	check(r == 23);

	off_t off = lseek(fd, 0, SEEK_CUR);
	out("lseek cur: %lld\n", (long long)off);
	check(off == 37);
	off = lseek(fd, 0, SEEK_SET);
	out("lseek set: %lld\n", (long long)off);
	check(off == 0);

	char buf[128];
	memset(buf, 0, sizeof buf);
	r = read(fd, buf, sizeof buf);
	out("read: %zd %s\n", r, quote(buf, r > 0 ? r : 0));
	check(r == 37 && memcmp(buf, "hello, tracer\nsecond line\nthird line\n", 37) == 0);

	r = pwrite(fd, "HELLO", 5, 0);
	out("pwrite: %zd\n", r);
	check(r == 5);
	memset(buf, 0, sizeof buf);
	r = pread(fd, buf, 13, 0);
	out("pread: %zd %s\n", r, quote(buf, r > 0 ? r : 0));
	check(r == 13 && memcmp(buf, "HELLO, tracer", 13) == 0);

	char a[6], b[8];
	struct iovec rv[2] = {{a, sizeof a}, {b, sizeof b}};
	lseek(fd, 0, SEEK_SET);
	r = readv(fd, rv, 2);
	char qa[64];
	snprintf(qa, sizeof qa, "%s", quote(a, sizeof a));
	out("readv: %zd %s %s\n", r, qa, quote(b, sizeof b));
	check(r == 14 && memcmp(a, "HELLO,", 6) == 0 && memcmp(b, " tracer\n", 8) == 0);

	unsigned char *big = malloc(BIG), *back = malloc(BIG);
	if (!big || !back)
		return 1;
	for (size_t i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 7 + i / 251);
	r = pwrite(fd, big, BIG, BIG_OFF);
	out("big pwrite: %zd at %d\n", r, BIG_OFF);
	check(r == BIG);
	memset(back, 0, BIG);
	r = pread(fd, back, BIG, BIG_OFF);
	int same = r == BIG && memcmp(big, back, BIG) == 0;
	out("big pread: %zd, matches: %s, checksum %08x\n", r, same ? "yes" : "no",
	    (unsigned)fnv(back, BIG));
	check(same);

	struct stat st;
	if (fstat(fd, &st) == 0) {
		out("fstat: regular %s, size %lld, mode %o\n", S_ISREG(st.st_mode) ? "yes" : "no",
		    (long long)st.st_size, (unsigned)(st.st_mode & 0777));
		check(S_ISREG(st.st_mode) && st.st_size == BIG_OFF + BIG);
	} else {
		out("fstat: %s\n", err(errno));
		failures++;
	}
	if (fstatat(dirfd, NAME, &st, 0) == 0) {
		out("fstatat: size %lld\n", (long long)st.st_size);
		check(st.st_size == BIG_OFF + BIG);
	} else {
		out("fstatat: %s\n", err(errno));
		failures++;
	}

	int t = ftruncate(fd, 10);
	memset(&st, 0, sizeof st);
	fstat(fd, &st);
	out("ftruncate: %s, size %lld\n", t == 0 ? "ok" : err(errno), (long long)st.st_size);
	check(t == 0 && st.st_size == 10);

	int u = unlinkat(dirfd, NAME, 0);
	out("unlinkat: %s\n", u == 0 ? "ok" : err(errno));
	check(u == 0);
	u = fstatat(dirfd, NAME, &st, 0);
	out("fstatat after unlink: %s\n", u == 0 ? "exists" : err(errno));
	check(u < 0 && errno == ENOENT);

	int c = close(fd);
	out("close: %s\n", c == 0 ? "ok" : err(errno));
	check(c == 0);
	c = close(fd);
	out("close again: %s\n", c == 0 ? "ok" : err(errno));
	check(c < 0 && errno == EBADF);
	close(dirfd);
	free(big);
	free(back);
	if (failures)
		out("fd_io: %d failures\n", failures);
	return failures ? 1 : 0;
}
