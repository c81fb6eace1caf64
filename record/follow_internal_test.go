//go:build linux

package record

import (
	"crypto/rand"
	"testing"
)

// TestFollower: windows are found wherever they are, across the pieces
// they were learned in; runs are overwritten whole; uniform windows are
// not followed; the bound stops learning.
func TestFollower(t *testing.T) {
	f := newFollower(0)
	secret := []byte("0123456789abcdefghij")
	for i := range secret { // learned a byte at a time
		f.learn(maskKey(1, 3), secret[i:i+1])
	}
	b := []byte("xxxxx" + "56789abcdefg" + "yyyyy")
	if !f.contains(b) {
		t.Fatal("a learned run is not found")
	}
	if !f.overwrite(b, '*') || string(b) != "xxxxx************yyyyy" {
		t.Errorf("overwritten: %q", b)
	}
	if f.contains([]byte("0123456x9abcdefx")) {
		t.Error("found a run of 7 learned bytes")
	}
	f.learn(maskKey(1, 4), make([]byte, 100))
	if f.contains(make([]byte, 16)) {
		t.Error("zeros are followed")
	}
	// A run of exactly 8 learned bytes, anywhere in a buffer, from any
	// start: found where it is.
	key := make([]byte, 4096)
	rand.Read(key)
	g := newFollower(0)
	g.learn(0, key)
	buf := make([]byte, 64)
	for n := 0; n < 2000; n++ {
		rand.Read(buf)
		p, k, from := n%(len(buf)-7), (n*37)%(len(key)-9), n%7
		copy(buf[p:], key[k:k+8])
		if p > 0 && k > 0 { // exactly 8: the bytes around differ from the key's
			buf[p-1] = key[k-1] ^ 1
		}
		if p+8 < len(buf) {
			buf[p+8] = key[k+8] ^ 1
		}
		if p < from {
			from = 0
		}
		got := g.find(buf, from)
		if got != p {
			t.Fatalf("a run at %d searched from %d: found at %d", p, from, got)
		}
	}
	small := newFollower(64)
	big := make([]byte, 1000)
	rand.Read(big)
	if small.learn(0, big) {
		t.Error("learning past the bound said yes")
	}
	if small.count > 64 {
		t.Errorf("%d windows kept, the bound is 64", small.count)
	}
}

// BenchmarkFollowerScan: scanning a 1 MiB buffer that holds none of the
// 4 KiB learned (the cost of masking for every recorded byte).
func BenchmarkFollowerScan(b *testing.B) {
	f := newFollower(0)
	secret := make([]byte, 4096)
	rand.Read(secret)
	f.learn(0, secret)
	buf := make([]byte, 1<<20)
	rand.Read(buf)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if f.contains(buf) {
			b.Fatal("found")
		}
	}
}
