package strace

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
)

// Address families Sockaddr decodes.
const (
	afUnix    = 1
	afInet    = 2
	afInet6   = 10
	afNetlink = 16
	afPacket  = 17
)

// Sizes of the address structures, below which strace prints an address of
// the family as raw sa_data.
const (
	sizeofSockaddrIn     = 16
	sizeofSockaddrIn6    = 28
	sizeofSockaddrIn6Min = 24 // without sin6_scope_id
	sizeofSockaddrNl     = 12
	sizeofSockaddrLl     = 20
)

// ethProtocols are the Ethernet protocol numbers (ETH_P_*) strace names in
// sll_protocol.
var ethProtocols = xlatEnum{vals: []xlatEntry{
	{0x0001, "ETH_P_802_3"}, {0x0002, "ETH_P_AX25"}, {0x0003, "ETH_P_ALL"}, {0x0004, "ETH_P_802_2"},
	{0x0005, "ETH_P_SNAP"}, {0x0060, "ETH_P_LOOP"}, {0x0800, "ETH_P_IP"}, {0x0806, "ETH_P_ARP"},
	{0x8035, "ETH_P_RARP"}, {0x8100, "ETH_P_8021Q"}, {0x86DD, "ETH_P_IPV6"}, {0x8847, "ETH_P_MPLS_UC"},
	{0x8848, "ETH_P_MPLS_MC"}, {0x8863, "ETH_P_PPP_DISC"}, {0x8864, "ETH_P_PPP_SES"},
	{0x888E, "ETH_P_PAE"}, {0x88A8, "ETH_P_8021AD"}, {0x88CC, "ETH_P_LLDP"}, {0x88F7, "ETH_P_1588"},
}, unknown: "ETH_P_???"}

// arpHardwareTypes are the ARPHRD_* link types strace names in
// sll_hatype.
var arpHardwareTypes = xlatEnum{vals: []xlatEntry{
	{0, "ARPHRD_NETROM"}, {1, "ARPHRD_ETHER"}, {2, "ARPHRD_EETHER"}, {3, "ARPHRD_AX25"},
	{6, "ARPHRD_IEEE802"}, {19, "ARPHRD_ATM"}, {24, "ARPHRD_IEEE1394"}, {32, "ARPHRD_INFINIBAND"},
	{256, "ARPHRD_SLIP"}, {512, "ARPHRD_PPP"}, {768, "ARPHRD_TUNNEL"}, {769, "ARPHRD_TUNNEL6"},
	{772, "ARPHRD_LOOPBACK"}, {776, "ARPHRD_SIT"}, {778, "ARPHRD_IPGRE"}, {801, "ARPHRD_IEEE80211"},
	{803, "ARPHRD_IEEE80211_RADIOTAP"}, {823, "ARPHRD_IP6GRE"}, {824, "ARPHRD_NETLINK"},
	{65534, "ARPHRD_NONE"}, {65535, "ARPHRD_VOID"},
}, unknown: "ARPHRD_???"}

// packetTypes are the PACKET_* types of sll_pkttype.
var packetTypes = xlatEnum{vals: []xlatEntry{
	{0, "PACKET_HOST"}, {1, "PACKET_BROADCAST"}, {2, "PACKET_MULTICAST"}, {3, "PACKET_OTHERHOST"},
	{4, "PACKET_OUTGOING"}, {5, "PACKET_LOOPBACK"}, {6, "PACKET_USER"}, {7, "PACKET_KERNEL"},
}, unknown: "PACKET_???"}

// Sockaddr formats a socket address (the addrlen bytes of a struct
// sockaddr) as strace does:
//
//	{sa_family=AF_UNIX, sun_path="/run/x.sock"}
//	{sa_family=AF_UNIX, sun_path=@"abstract"}
//	{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}
//	{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}
//	{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}
//	{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=2, ...}
//	{sa_family=0x2a /* AF_??? */, sa_data="..."}
//
// An address too short for its family's structure is printed as raw
// sa_data, as strace prints it, and one too short for even the family
// as "{...}". Interface indexes (sin6_scope_id, sll_ifindex) are printed
// as numbers: strace names them with if_nametoindex("eth0") when the
// interface exists on the machine that runs strace.
func Sockaddr(b []byte) string {
	if len(b) < 2 {
		return "{...}"
	}
	family := uint64(binary.LittleEndian.Uint16(b))
	var s strings.Builder
	s.WriteString("{sa_family=")
	s.Write(addressFamilies.appendTo(nil, family))
	if len(b) > 2 {
		s.WriteString(", ")
		s.WriteString(sockaddrData(family, b))
	}
	s.WriteByte('}')
	return s.String()
}

// sockaddrData formats the fields of b after sa_family.
func sockaddrData(family uint64, b []byte) string {
	switch {
	case family == afUnix:
		return sockaddrUnix(b[2:])
	case family == afInet && len(b) >= sizeofSockaddrIn:
		return "sin_port=htons(" + strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))) +
			"), sin_addr=inet_addr(\"" + netip.AddrFrom4([4]byte(b[4:8])).String() + "\")"
	case family == afInet6 && len(b) >= sizeofSockaddrIn6Min:
		s := "sin6_port=htons(" + strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))) +
			"), sin6_flowinfo=htonl(" + strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[4:])), 10) +
			"), inet_pton(AF_INET6, \"" + formatIPv6([16]byte(b[8:24])) + "\", &sin6_addr)"
		if len(b) >= sizeofSockaddrIn6 {
			s += ", sin6_scope_id=" + strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[24:])), 10)
		}
		return s
	case family == afNetlink && len(b) >= sizeofSockaddrNl:
		groups := binary.LittleEndian.Uint32(b[8:])
		hexGroups := "00000000" // C's "%#08x" prints 0 without the 0x
		if groups != 0 {
			hexGroups = "0x" + strings.Repeat("0", max(0, 6-len(strconv.FormatUint(uint64(groups), 16)))) +
				strconv.FormatUint(uint64(groups), 16)
		}
		return "nl_pid=" + strconv.Itoa(int(int32(binary.LittleEndian.Uint32(b[4:])))) +
			", nl_groups=" + hexGroups
	case family == afPacket && len(b) >= sizeofSockaddrLl:
		return sockaddrPacket(b)
	}
	return "sa_data=" + string(fmtAppendQuoted(nil, b[2:]))
}

// sockaddrUnix formats sun_path: a path up to its NUL, or an abstract name
// (a leading NUL) as "@" and all its bytes.
func sockaddrUnix(path []byte) string {
	if path[0] == 0 {
		return "sun_path=@" + string(fmtAppendQuoted(nil, path[1:]))
	}
	return "sun_path=" + fmtCString(path)
}

// sockaddrPacket formats the fields of a struct sockaddr_ll.
func sockaddrPacket(b []byte) string {
	halen := int(b[11])
	s := "sll_protocol=htons(" + string(ethProtocols.appendTo(nil, uint64(binary.BigEndian.Uint16(b[2:])))) +
		"), sll_ifindex=" + strconv.Itoa(int(int32(binary.LittleEndian.Uint32(b[4:])))) +
		", sll_hatype=" + string(arpHardwareTypes.appendTo(nil, uint64(binary.LittleEndian.Uint16(b[8:])))) +
		", sll_pkttype=" + string(packetTypes.appendTo(nil, uint64(b[10]))) +
		", sll_halen=" + strconv.Itoa(halen)
	if halen == 0 {
		return s
	}
	addr := b[12:20]
	var parts []string
	for _, c := range addr[:min(halen, len(addr))] {
		parts = append(parts, fmtHex(uint64(c)))
	}
	return s + ", sll_addr=[" + strings.Join(parts, ", ") + "]"
}

// formatIPv6 formats an IPv6 address as glibc's inet_ntop does: RFC 5952
// zero compression, IPv4-mapped addresses as "::ffff:1.2.3.4" and the old
// IPv4-compatible ones as "::1.2.3.4".
func formatIPv6(a [16]byte) string {
	addr := netip.AddrFrom16(a)
	var zero [12]byte
	if [12]byte(a[:12]) == zero && (a[12] != 0 || a[13] != 0) {
		return "::" + netip.AddrFrom4([4]byte(a[12:])).String()
	}
	return addr.String()
}
