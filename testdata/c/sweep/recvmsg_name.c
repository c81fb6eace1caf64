/* recvmsg on a UDP socket: the kernel writes the sender's address into
 * msg_name, its length into msg_namelen and MSG_TRUNC into msg_flags (the
 * datagram is longer than the buffer); the program prints them. iproute2's
 * libnetlink (ss, ip) checks the sender's nl_pid the same way. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void) {
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof sa;
	if (a < 0 || b < 0 || bind(a, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(a, (struct sockaddr *)&sa, &l) != 0)
		return 2;
	if (sendto(b, "hello world", 11, 0, (struct sockaddr *)&sa, sizeof sa) != 11)
		return 3;
	struct sockaddr_in from;
	memset(&from, 0x55, sizeof from);
	char buf[4];
	struct iovec iov = {buf, sizeof buf};
	struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1, .msg_flags = 0x5555};
	int n = recvmsg(a, &m, 0);
	printf("n=%d family=%d addr=%s namelen=%d truncated=%d\n", n, from.sin_family, inet_ntoa(from.sin_addr),
	       (int)m.msg_namelen, !!(m.msg_flags & MSG_TRUNC));
	return 0;
}
