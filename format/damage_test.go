package format_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
)

// damagedTrace writes sampleEvents(n) in small chunks and returns the
// file's bytes, its chunks and the events as written.
func damagedTrace(t *testing.T) ([]byte, []format.ChunkInfo, []format.Event) {
	t.Helper()
	evs := sampleEvents(200)
	data := writeTrace(t, evs, 300)
	r, got := readAll(t, data, nil)
	if len(r.Chunks()) < 6 {
		t.Fatalf("only %d chunks", len(r.Chunks()))
	}
	return data, r.Chunks(), got
}

// flipPayload flips bytes in the middle of chunk c's compressed payload.
func flipPayload(data []byte, c format.ChunkInfo) []byte {
	b := bytes.Clone(data)
	mid := c.Offset + c.Size - int64(c.CompLen)/2
	for i := int64(0); i < 4; i++ {
		b[mid+i] ^= 0x5a
	}
	return b
}

// repairBytes repairs data through files and reads the result back.
func repairBytes(t *testing.T, data []byte) (format.RepairInfo, []format.Event, *format.Reader) {
	t.Helper()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.sctr"), filepath.Join(dir, "dst.sctr")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := format.Repair(src, dst)
	if err != nil {
		t.Fatalf("Repair: %v", err)
	}
	out, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	r, evs := readAll(t, out, nil)
	if !r.Complete() || r.Truncated() != nil {
		t.Fatalf("repaired file: complete %v, truncated %v", r.Complete(), r.Truncated())
	}
	if d := r.Verify(true); d != nil {
		t.Fatalf("the repaired file does not verify: %v", d)
	}
	if int(r.EventCount()) != len(evs) || int(info.Events) != len(evs) {
		t.Errorf("index says %d events, Repair %d, read %d", r.EventCount(), info.Events, len(evs))
	}
	return info, evs, r
}

// without returns the events not in chunks lost.
func without(all []format.Event, lost ...format.ChunkInfo) []format.Event {
	var out []format.Event
	for _, ev := range all {
		s := ev.Base().Seq
		in := false
		for _, c := range lost {
			in = in || (s >= c.FirstSeq && s <= c.LastSeq)
		}
		if !in {
			out = append(out, ev)
		}
	}
	return out
}

// TestRepairDamagedMiddle: a complete trace with one chunk's payload
// damaged: Verify finds it, readers stop there with its offset, Repair
// keeps every other chunk (before and after) and says exactly what was
// lost, from the index.
func TestRepairDamagedMiddle(t *testing.T) {
	data, chunks, all := damagedTrace(t)
	k := len(chunks) / 2
	bad := flipPayload(data, chunks[k])

	r, err := format.NewReader(bytes.NewReader(bad), int64(len(bad)))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Complete() {
		t.Fatal("damage in a chunk made the index unreadable")
	}
	dm := r.Verify(false)
	if len(dm) != 1 || dm[0].Offset != chunks[k].Offset || dm[0].End != chunks[k+1].Offset ||
		dm[0].FirstSeq != chunks[k].FirstSeq || dm[0].LastSeq != chunks[k].LastSeq || dm[0].Events != uint64(chunks[k].Events) {
		t.Fatalf("Verify = %+v, want chunk %d at %d (seq %d..%d)", dm, k, chunks[k].Offset, chunks[k].FirstSeq, chunks[k].LastSeq)
	}
	if !strings.Contains(dm[0].Error(), "damaged at offset") {
		t.Errorf("Damage.Error() = %q", dm[0].Error())
	}
	n := 0
	var rerr error
	for _, err := range r.Events(nil) {
		if err != nil {
			rerr = err
			break
		}
		n++
	}
	var ce *format.CorruptError
	if !errors.As(rerr, &ce) || n != len(without(all, chunks[k:]...)) {
		t.Errorf("reading the damaged file: %d events then %v; want the %d before chunk %d, then its offset",
			n, rerr, len(without(all, chunks[k:]...)), k)
	}
	r.Close()

	info, got, rr := repairBytes(t, bad)
	checkEqual(t, got, without(all, chunks[k]))
	if len(info.Damaged) != 1 {
		t.Fatalf("Damaged = %+v, want one stretch", info.Damaged)
	}
	d := info.Damaged[0]
	if d.Offset != chunks[k].Offset || d.End != chunks[k+1].Offset || !d.EventsKnown || d.Events != uint64(chunks[k].Events) ||
		d.AfterSeq != chunks[k-1].LastSeq || d.BeforeSeq != chunks[k+1].FirstSeq ||
		d.FirstSeq != chunks[k].FirstSeq || d.LastSeq != chunks[k].LastSeq {
		t.Errorf("Damaged[0] = %+v, want chunk %+v", d, chunks[k])
	}
	if ds := rr.Damaged(); len(ds) != 1 || ds[0].Offset != d.Offset {
		t.Errorf("the repaired index records %+v", ds)
	}
}

// TestRepairDamagedNoIndex: the same damage in a file without an index
// (a recording that did not finish): Repair finds the next chunk by its
// descriptor, keeps it and everything after, and bounds the loss by the
// sequence numbers around it. Damage to a descriptor (its magic number)
// is found the same way.
func TestRepairDamagedNoIndex(t *testing.T) {
	data, chunks, all := damagedTrace(t)
	last := chunks[len(chunks)-1]
	cut := data[:last.Offset+last.Size] // no index, no trailer
	k := len(chunks) / 2
	for _, tc := range []struct {
		name string
		bad  []byte
	}{
		{"payload", flipPayload(cut, chunks[k])},
		{"descriptor", func() []byte { b := bytes.Clone(cut); b[chunks[k].Offset] ^= 0xff; return b }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := format.NewReader(bytes.NewReader(tc.bad), int64(len(tc.bad)))
			if err != nil {
				t.Fatal(err)
			}
			if dm := r.Verify(false); len(dm) != 1 || dm[0].Offset != chunks[k].Offset || dm[0].End != chunks[k+1].Offset ||
				dm[0].BeforeSeq != chunks[k+1].FirstSeq {
				t.Errorf("Verify = %+v, want the damage between chunks %d and %d", dm, k-1, k+1)
			}
			r.Close()
			info, got, _ := repairBytes(t, tc.bad)
			checkEqual(t, got, without(all, chunks[k]))
			if len(info.Damaged) != 1 {
				t.Fatalf("Damaged = %+v, want one stretch", info.Damaged)
			}
			d := info.Damaged[0]
			if d.Offset != chunks[k].Offset || d.End != chunks[k+1].Offset ||
				d.AfterSeq != chunks[k-1].LastSeq || d.BeforeSeq != chunks[k+1].FirstSeq {
				t.Errorf("Damaged[0] = %+v, want chunk %+v", d, chunks[k])
			}
			if !strings.Contains(d.Lost(), "seq ") {
				t.Errorf("Lost() = %q", d.Lost())
			}
		})
	}
}

// TestRepairDamagedEnds: damage in the index, in the last chunk, in the
// header.
func TestRepairDamagedEnds(t *testing.T) {
	data, chunks, all := damagedTrace(t)
	last := chunks[len(chunks)-1]
	end := last.Offset + last.Size

	t.Run("index", func(t *testing.T) {
		bad := bytes.Clone(data)
		bad[end+frameAndDesc+3] ^= 0xff // inside the index's payload
		info, got, _ := repairBytes(t, bad)
		checkEqual(t, got, all)
		if len(info.Damaged) != 1 || !info.Damaged[0].IndexOnly || info.Damaged[0].Offset != end {
			t.Errorf("Damaged = %+v, want the index alone at %d", info.Damaged, end)
		}
	})
	t.Run("cut", func(t *testing.T) { // a torn end: incomplete, not damaged
		cut := data[:last.Offset+last.Size/2]
		r, err := format.NewReader(bytes.NewReader(cut), int64(len(cut)))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if r.Truncated() == nil || r.Verify(true) != nil {
			t.Errorf("a cut file: truncated %v, Verify %+v", r.Truncated(), r.Verify(true))
		}
	})
	t.Run("last chunk", func(t *testing.T) {
		info, got, _ := repairBytes(t, flipPayload(data, last))
		checkEqual(t, got, without(all, last))
		if len(info.Damaged) != 1 || info.Damaged[0].Offset != last.Offset || info.Damaged[0].BeforeSeq != 0 ||
			info.Damaged[0].FirstSeq != last.FirstSeq {
			t.Errorf("Damaged = %+v, want the last chunk", info.Damaged)
		}
	})
	t.Run("two chunks", func(t *testing.T) {
		k := len(chunks) / 2
		info, got, _ := repairBytes(t, flipPayload(flipPayload(data, chunks[k]), chunks[k+1]))
		checkEqual(t, got, without(all, chunks[k], chunks[k+1]))
		if len(info.Damaged) != 1 || info.Damaged[0].Events != uint64(chunks[k].Events+chunks[k+1].Events) {
			t.Errorf("Damaged = %+v, want chunks %d and %d as one stretch", info.Damaged, k, k+1)
		}
	})
	t.Run("header", func(t *testing.T) {
		dir := t.TempDir()
		bad := bytes.Clone(data)
		bad[chunks[0].Offset-5] ^= 0xff // the header's payload ends there
		src := filepath.Join(dir, "src.sctr")
		os.WriteFile(src, bad, 0o600)
		_, err := format.Repair(src, filepath.Join(dir, "dst.sctr"))
		var ce *format.CorruptError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "the header") {
			t.Fatalf("Repair of a damaged header: %v, want a CorruptError that says so", err)
		}
		t.Log(err)
		if _, serr := os.Stat(filepath.Join(dir, "dst.sctr")); serr == nil {
			t.Error("Repair wrote a file without a header")
		}
	})
}

// frameAndDesc is a descriptor frame's size (frame header + payload).
const frameAndDesc = 8 + 80

// BenchmarkVerify: checking every chunk's checksum (what info does on
// every run) and decoding every chunk (info --verify) of a 1 M-event
// trace, from a file, against opening it alone.
func BenchmarkVerify(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.sctr")
	w, err := format.Create(path, testHeader(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, ev := range typicalEvents(1_000_000) {
		if err := w.Write(ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		verify func(r *format.Reader) []format.Damage
	}{
		{"open", func(*format.Reader) []format.Damage { return nil }},
		{"checksums", func(r *format.Reader) []format.Damage { return r.Verify(false) }},
		{"decode", func(r *format.Reader) []format.Damage { return r.Verify(true) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				r, err := format.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if d := bc.verify(r); d != nil {
					b.Fatal(d)
				}
				r.Close()
			}
			b.ReportMetric(float64(st.Size())/1e6, "file-MB")
		})
	}
}

// FuzzRepair: whatever the bytes, Repair never panics, and what it
// writes reads back complete and sound.
func FuzzRepair(f *testing.F) {
	good := writeTrace(f, sampleEvents(30), 300)
	f.Add(good)
	f.Add(good[:len(good)/2])
	bad := bytes.Clone(good)
	bad[len(bad)/3] ^= 0x40
	f.Add(bad)
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := format.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer src.Close()
		var out bytes.Buffer
		info, err := src.RepairTo(&out)
		if err != nil {
			t.Fatalf("RepairTo of a file that opens: %v", err)
		}
		r, err := format.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatalf("the repaired file does not open: %v", err)
		}
		defer r.Close()
		if !r.Complete() || r.EventCount() != info.Events {
			t.Fatalf("repaired: complete %v, %d events, Repair said %d", r.Complete(), r.EventCount(), info.Events)
		}
		if d := r.Verify(true); d != nil {
			t.Fatalf("the repaired file is damaged: %v", d)
		}
	})
}
