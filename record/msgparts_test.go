//go:build linux

package record_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
)

// TestRecvmsgParts: a recorded recvmsg keeps what the kernel wrote into
// its msghdr besides the data (the control messages with the fd and the
// credentials, the new lengths and flags) and its msg_namelen as it went
// in, so that the trace prints it as strace does.
func TestRecvmsgParts(t *testing.T) {
	prog := testprog.C(t, "outargs")
	path := recordRunOK(t, record.Options{}, prog)
	want := regexp.MustCompile(`^recvmsg\(\d+, \{msg_name=0x[0-9a-f]+, msg_namelen=110 => 0, msg_iov=\[\{iov_base="x", iov_len=1\}\], msg_iovlen=1, ` +
		`msg_control=\[\{cmsg_len=28, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, cmsg_data=\{pid=\d+, uid=\d+, gid=\d+\}\}, ` +
		`\{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=\[\d+\]\}\], msg_controllen=56, msg_flags=MSG_CMSG_CLOEXEC\}, MSG_CMSG_CLOEXEC\) += 1$`)
	var lines []string
	parts := 0
	for _, ev := range eventsOf(t, path) {
		s, ok := ev.(*format.Syscall)
		if !ok || syscalls.Name(s.Arch, int(s.Nr)) != "recvmsg" {
			continue
		}
		lines = append(lines, s.Text(nil))
		for _, r := range s.Mem {
			if r.Field == format.MsgControlField || r.Field == format.MsgHeadField {
				parts++
			}
		}
	}
	if len(lines) != 2 || !want.MatchString(lines[0]) {
		t.Errorf("recvmsg printed from the trace:\n%s\nwant the first to match %s", strings.Join(lines, "\n"), want)
	}
	if parts != 4 {
		t.Errorf("%d control and msghdr regions in the two recvmsg, want 4", parts)
	}
}
