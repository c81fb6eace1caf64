/* mmsg: three datagrams sent with sendmmsg and received with recvmmsg
 * (two messages of two iovecs each, with the sender's address), then the
 * third; each message's data, length and address length printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return 1;
	char *texts[] = {"first datagram", "second one", "third"};
	struct iovec siov[3];
	struct mmsghdr smsg[3];
	memset(smsg, 0, sizeof smsg);
	for (int i = 0; i < 3; i++) {
		siov[i].iov_base = texts[i];
		siov[i].iov_len = strlen(texts[i]);
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
	}
	printf("sendmmsg %d\n", sendmmsg(sv[0], smsg, 3, 0));
	char a[2][6], b[2][32];
	struct iovec riov[2][2];
	struct sockaddr_un from[2];
	struct mmsghdr rmsg[2];
	memset(rmsg, 0, sizeof rmsg);
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	for (int i = 0; i < 2; i++) {
		riov[i][0] = (struct iovec){a[i], 5};
		riov[i][1] = (struct iovec){b[i], sizeof b[i] - 1};
		rmsg[i].msg_hdr.msg_iov = riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 2;
		rmsg[i].msg_hdr.msg_name = &from[i];
		rmsg[i].msg_hdr.msg_namelen = sizeof from[i];
	}
	int n = recvmmsg(sv[1], rmsg, 2, 0, NULL);
	printf("recvmmsg %d\n", n);
	for (int i = 0; i < n; i++)
		printf("message %d: len %u [%s|%s] namelen %u flags %#x\n", i, rmsg[i].msg_len, a[i], b[i],
		       rmsg[i].msg_hdr.msg_namelen, rmsg[i].msg_hdr.msg_flags);
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	n = recvmmsg(sv[1], rmsg, 2, MSG_DONTWAIT, NULL);
	printf("recvmmsg %d: len %u [%s|%s]\n", n, rmsg[0].msg_len, a[0], b[0]);
	return 0;
}
