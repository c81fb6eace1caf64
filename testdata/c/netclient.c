/* netclient.c: a TCP client for replay tests: connects to 127.0.0.1:PORT,
 * sends "hello server\n", reads the reply until the server closes the
 * connection, closes and prints it.
 * Output: `connect: ok` | `sent: 13` | `reply: "..."` (what the server
 * said); exit status 0 (1 if it cannot connect, 2 on bad usage). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		out("usage: netclient PORT\n");
		return 2;
	}
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 1;
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_port = htons(atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		out("connect: %s\n", strerror(errno));
		return 1;
	}
	out("connect: ok\n");
	const char *msg = "hello server\n";
	out("sent: %zd\n", send(s, msg, strlen(msg), 0));
	char buf[512];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf - 1 && (r = recv(s, buf + n, sizeof buf - 1 - n, 0)) > 0)
		n += r;
	buf[n] = 0;
	close(s);
	out("reply: \"%s\"\n", buf);
	return 0;
}
