package strace

import (
	"encoding/binary"
	"testing"
)

// sa builds a socket address: the family, little-endian, then data.
func sa(family uint16, data ...byte) []byte {
	return append(binary.LittleEndian.AppendUint16(nil, family), data...)
}

// padded returns b extended with zeros to n bytes.
func padded(b []byte, n int) []byte { return append(b, make([]byte, n-len(b))...) }

func TestFormatSockaddr(t *testing.T) {
	in4 := sa(2, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0)
	in6 := func(flow uint32, addr string, scope uint32) []byte {
		b := sa(10, 0x01, 0xbb)
		b = binary.BigEndian.AppendUint32(b, flow)
		b = append(b, addr...)
		return binary.LittleEndian.AppendUint32(b, scope)
	}
	loop6 := "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
	ll := sa(17, 0x00, 0x03, 2, 0, 0, 0, 1, 0, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0)
	// As strace 6.1 printed connect's address on x86_64, except that
	// strace names interface indexes (if_nametoindex("eth0")) when the
	// interface exists on its machine.
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{padded(sa(1, []byte("/run/x.sock")...), 110), `{sa_family=AF_UNIX, sun_path="/run/x.sock"}`},
		{sa(1, []byte("/run/x.sock\x00")...), `{sa_family=AF_UNIX, sun_path="/run/x.sock"}`},
		{sa(1, []byte("\x00name")...), `{sa_family=AF_UNIX, sun_path=@"name"}`},
		{sa(1, []byte("aaa\n\x00bbb")...), `{sa_family=AF_UNIX, sun_path="aaa\n"}`},
		{sa(1), `{sa_family=AF_UNIX}`},
		{in4, `{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}`},
		{in4[:8], `{sa_family=AF_INET, sa_data="\0P\177\0\0\1"}`},
		{padded(sa(2), 16), `{sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}`},
		{in6(0, loop6, 0), `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}`},
		{in6(7, "\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x02", 2), `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(7), inet_pton(AF_INET6, "fe80::1:2", &sin6_addr), sin6_scope_id=2}`},
		{in6(7, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x01\x02\x03\x04", 0), `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(7), inet_pton(AF_INET6, "::ffff:1.2.3.4", &sin6_addr), sin6_scope_id=0}`},
		{in6(7, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x01\x02\x03\x04", 0)[:24], `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(7), inet_pton(AF_INET6, "::ffff:1.2.3.4", &sin6_addr)}`},
		{in6(0, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 0), `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1.2.3.4", &sin6_addr), sin6_scope_id=0}`},
		{in6(0, "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01", 0), `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1:0:0:1", &sin6_addr), sin6_scope_id=0}`},
		{padded(sa(16), 12), `{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}`},
		{sa(16, 0, 0, 0xd2, 4, 0, 0, 0x11, 0, 0, 0), `{sa_family=AF_NETLINK, nl_pid=1234, nl_groups=0x000011}`},
		{sa(16, 0, 0, 0xd2, 4, 0, 0, 0x78, 0x56, 0x34, 0x12), `{sa_family=AF_NETLINK, nl_pid=1234, nl_groups=0x12345678}`},
		{ll, `{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=2, sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=6, sll_addr=[0x1, 0x2, 0x3, 0x4, 0x5, 0x6]}`},
		{sa(17, 0x08, 0x00, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), `{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IP), sll_ifindex=2, sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=0}`},
		{sa(17, 0x12, 0x34, 2, 0, 0, 0, 0x99, 0, 9, 2, 0, 0, 0, 0, 0, 0, 0, 0), `{sa_family=AF_PACKET, sll_protocol=htons(0x1234 /* ETH_P_??? */), sll_ifindex=2, sll_hatype=0x99 /* ARPHRD_??? */, sll_pkttype=0x9 /* PACKET_??? */, sll_halen=2, sll_addr=[0, 0]}`},
		{padded(sa(0, []byte("abc\x01")...), 16), `{sa_family=AF_UNSPEC, sa_data="abc\1\0\0\0\0\0\0\0\0\0\0"}`},
		{sa(0), `{sa_family=AF_UNSPEC}`},
		{sa(99, 'a', 'b'), `{sa_family=0x63 /* AF_??? */, sa_data="ab"}`},
		{sa(42, []byte("abc\x01")...), `{sa_family=AF_QIPCRTR, sa_data="abc\1"}`},
		{[]byte{1}, `{...}`},
		{nil, `{...}`},
	} {
		if got := Sockaddr(c.b); got != c.want {
			t.Errorf("Sockaddr(%q) =\n %s, want\n %s", c.b, got, c.want)
		}
	}
}
