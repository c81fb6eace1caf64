package cpuinsn

import "testing"

func TestInsns(t *testing.T) {
	if !Supported {
		t.Skip("not an x86_64 host")
	}
	a0, d0 := RDTSC()
	a1, d1, _ := RDTSCP()
	if uint64(d1)<<32|uint64(a1) <= uint64(d0)<<32|uint64(a0) {
		t.Errorf("the counter did not advance: %#x then %#x", uint64(d0)<<32|uint64(a0), uint64(d1)<<32|uint64(a1))
	}
	// Leaf 0: the highest leaf in EAX and the vendor in EBX, EDX, ECX.
	max, b, c, d := CPUID(0, 0)
	vendor := string([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24), byte(d), byte(d >> 8), byte(d >> 16), byte(d >> 24),
		byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)})
	if max == 0 || (vendor != "GenuineIntel" && vendor != "AuthenticAMD") {
		t.Logf("cpuid(0): max leaf %d, vendor %q", max, vendor)
	}
	if max == 0 {
		t.Error("cpuid(0) reports no leaves")
	}
}
