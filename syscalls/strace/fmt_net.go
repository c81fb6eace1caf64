package strace

// netFlagSets are the enumerations strace uses to name socket protocols
// and socket options by level (values from <netinet/in.h>,
// <linux/tcp.h>, <linux/in.h>, <linux/in6.h>; the same on every
// architecture).
func netFlagSets() []*FlagSet {
	return []*FlagSet{
		enumSet("ipproto", &xlatEnum{vals: []xlatEntry{
			{0, "IPPROTO_IP"}, {1, "IPPROTO_ICMP"}, {2, "IPPROTO_IGMP"}, {4, "IPPROTO_IPIP"},
			{6, "IPPROTO_TCP"}, {8, "IPPROTO_EGP"}, {12, "IPPROTO_PUP"}, {17, "IPPROTO_UDP"},
			{22, "IPPROTO_IDP"}, {29, "IPPROTO_TP"}, {33, "IPPROTO_DCCP"}, {41, "IPPROTO_IPV6"},
			{46, "IPPROTO_RSVP"}, {47, "IPPROTO_GRE"}, {50, "IPPROTO_ESP"}, {51, "IPPROTO_AH"},
			{58, "IPPROTO_ICMPV6"}, {92, "IPPROTO_MTP"}, {94, "IPPROTO_BEETPH"},
			{98, "IPPROTO_ENCAP"}, {103, "IPPROTO_PIM"}, {108, "IPPROTO_COMP"},
			{132, "IPPROTO_SCTP"}, {136, "IPPROTO_UDPLITE"}, {137, "IPPROTO_MPLS"},
			{143, "IPPROTO_ETHERNET"}, {255, "IPPROTO_RAW"}, {262, "IPPROTO_MPTCP"},
		}, unknown: "IPPROTO_???"}),
		enumSet("sockopt_tcp", &xlatEnum{vals: []xlatEntry{
			{1, "TCP_NODELAY"}, {2, "TCP_MAXSEG"}, {3, "TCP_CORK"}, {4, "TCP_KEEPIDLE"},
			{5, "TCP_KEEPINTVL"}, {6, "TCP_KEEPCNT"}, {7, "TCP_SYNCNT"}, {8, "TCP_LINGER2"},
			{9, "TCP_DEFER_ACCEPT"}, {10, "TCP_WINDOW_CLAMP"}, {11, "TCP_INFO"},
			{12, "TCP_QUICKACK"}, {13, "TCP_CONGESTION"}, {14, "TCP_MD5SIG"},
			{16, "TCP_THIN_LINEAR_TIMEOUTS"}, {17, "TCP_THIN_DUPACK"}, {18, "TCP_USER_TIMEOUT"},
			{19, "TCP_REPAIR"}, {20, "TCP_REPAIR_QUEUE"}, {21, "TCP_QUEUE_SEQ"},
			{22, "TCP_REPAIR_OPTIONS"}, {23, "TCP_FASTOPEN"}, {24, "TCP_TIMESTAMP"},
			{25, "TCP_NOTSENT_LOWAT"}, {26, "TCP_CC_INFO"}, {27, "TCP_SAVE_SYN"},
			{28, "TCP_SAVED_SYN"}, {29, "TCP_REPAIR_WINDOW"}, {30, "TCP_FASTOPEN_CONNECT"},
			{31, "TCP_ULP"}, {32, "TCP_MD5SIG_EXT"}, {33, "TCP_FASTOPEN_KEY"},
			{34, "TCP_FASTOPEN_NO_COOKIE"}, {35, "TCP_ZEROCOPY_RECEIVE"}, {36, "TCP_INQ"},
			{37, "TCP_TX_DELAY"},
		}, unknown: "TCP_???"}),
		enumSet("sockopt_ip", &xlatEnum{vals: []xlatEntry{
			{1, "IP_TOS"}, {2, "IP_TTL"}, {3, "IP_HDRINCL"}, {4, "IP_OPTIONS"}, {6, "IP_RECVOPTS"},
			{7, "IP_RETOPTS"}, {8, "IP_PKTINFO"}, {10, "IP_MTU_DISCOVER"}, {11, "IP_RECVERR"},
			{12, "IP_RECVTTL"}, {13, "IP_RECVTOS"}, {14, "IP_MTU"}, {15, "IP_FREEBIND"},
			{19, "IP_TRANSPARENT"}, {24, "IP_BIND_ADDRESS_NO_PORT"}, {32, "IP_MULTICAST_IF"},
			{33, "IP_MULTICAST_TTL"}, {34, "IP_MULTICAST_LOOP"}, {35, "IP_ADD_MEMBERSHIP"},
			{36, "IP_DROP_MEMBERSHIP"},
		}, unknown: "IP_???"}),
		enumSet("sockopt_ipv6", &xlatEnum{vals: []xlatEntry{
			{1, "IPV6_ADDRFORM"}, {16, "IPV6_UNICAST_HOPS"}, {17, "IPV6_MULTICAST_IF"},
			{18, "IPV6_MULTICAST_HOPS"}, {19, "IPV6_MULTICAST_LOOP"}, {20, "IPV6_ADD_MEMBERSHIP"},
			{21, "IPV6_DROP_MEMBERSHIP"}, {23, "IPV6_MTU_DISCOVER"}, {24, "IPV6_MTU"},
			{25, "IPV6_RECVERR"}, {26, "IPV6_V6ONLY"}, {49, "IPV6_RECVPKTINFO"},
			{50, "IPV6_PKTINFO"}, {67, "IPV6_TCLASS"},
		}, unknown: "IPV6_???"}),
	}
}
