package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Damage is a stretch of a trace file that does not read: a chunk that
// fails its checksum, does not decompress or does not decode, a
// descriptor that makes no sense, or the bytes up to the next sound chunk.
// Repair keeps what surrounds it and records it in the new index; Verify
// finds it in a file whose index looks complete.
type Damage struct {
	// Offset and End bound the damaged bytes [Offset, End) of the file
	// they were found in (for a repaired file: of its source).
	Offset int64 `msgpack:"offset"`
	End    int64 `msgpack:"end"`
	// The events lost are those after sequence number AfterSeq and
	// before BeforeSeq (0: up to the end of the recording). FirstSeq and
	// LastSeq are the lost chunks' own range when the index or their
	// descriptors say it (0 otherwise).
	AfterSeq  uint64 `msgpack:"after_seq"`
	BeforeSeq uint64 `msgpack:"before_seq"`
	FirstSeq  uint64 `msgpack:"first_seq"`
	LastSeq   uint64 `msgpack:"last_seq"`
	// From and To are the recording's times (CLOCK_MONOTONIC ns) of the
	// last sound event before the loss and the first after it (0: none).
	From int64 `msgpack:"from"`
	To   int64 `msgpack:"to"`
	// Events is the number of events lost, when the index says it
	// (EventsKnown).
	Events      uint64 `msgpack:"events"`
	EventsKnown bool   `msgpack:"events_known"`
	// Chunks is the number of chunks of events lost (or -1: unknown).
	Chunks int `msgpack:"chunks"`
	// IndexOnly: the damage hit the index or trailer alone; no event was
	// lost.
	IndexOnly bool `msgpack:"index_only"`
	// Reason is why the first damaged chunk does not read.
	Reason string `msgpack:"reason"`
}

// Error says where the damage is and what was lost.
func (d *Damage) Error() string {
	if d.IndexOnly {
		return fmt.Sprintf("damaged at offset %d: %s; only the index was lost (every event is here)", d.Offset, d.Reason)
	}
	s := fmt.Sprintf("damaged at offset %d", d.Offset)
	if d.End > d.Offset {
		s += fmt.Sprintf(" (%d bytes, to offset %d)", d.End-d.Offset, d.End)
	}
	s += ": " + d.Reason + "; lost " + d.Lost()
	return s
}

// Lost says which events were lost: their count and sequence numbers,
// as precisely as the file tells (Span gives the time).
func (d *Damage) Lost() string {
	var parts []string
	if d.EventsKnown {
		parts = append(parts, fmt.Sprintf("%d events", d.Events))
	} else if d.Chunks > 0 {
		parts = append(parts, fmt.Sprintf("%d chunks of events", d.Chunks))
	}
	switch {
	case d.FirstSeq != 0:
		parts = append(parts, fmt.Sprintf("seq %d..%d", d.FirstSeq, d.LastSeq))
	case d.BeforeSeq != 0:
		parts = append(parts, fmt.Sprintf("seq %d..%d", d.AfterSeq+1, d.BeforeSeq-1))
	default:
		parts = append(parts, fmt.Sprintf("every event after seq %d", d.AfterSeq))
	}
	s := parts[0]
	for _, p := range parts[1:] {
		s += ", " + p
	}
	return s
}

// Damaged returns the damage a repaired file's source had, as Repair
// recorded it in the index (nil for other files).
func (r *Reader) Damaged() []Damage { return r.index.Damaged }

// Verify checks every chunk of events the index lists: its descriptor
// agrees with the index entry and its payload passes its checksum; with
// decode, every chunk is also decompressed and its events decoded. It
// returns the damaged stretches, consecutive damaged chunks together (nil:
// sound). Checksums cost a read of the file; decoding costs what reading
// every event does. For a file without an index (scanned up to its first
// damage: Truncated), the damage is returned too when sound chunks of
// events follow it (found as Repair finds them): it is in the middle, not
// a torn end.
func (r *Reader) Verify(decode bool) []Damage {
	var out []Damage
	var prev *ChunkInfo
	var cur *Damage
	for i := range r.index.Chunks {
		c := &r.index.Chunks[i]
		err := r.checkChunk(c, decode)
		if err == nil {
			if cur != nil {
				cur.End, cur.BeforeSeq, cur.To = c.Offset, c.FirstSeq, c.TsMin
				out = append(out, *cur)
				cur = nil
			}
			prev = c
			continue
		}
		if cur == nil {
			cur = &Damage{Offset: c.Offset, FirstSeq: c.FirstSeq, EventsKnown: true, Reason: reason(err)}
			if prev != nil {
				cur.AfterSeq, cur.From = prev.LastSeq, prev.TsMax
			}
		}
		cur.End = c.Offset + c.Size
		cur.LastSeq = c.LastSeq
		cur.Events += uint64(c.Events)
		cur.Chunks++
	}
	if cur != nil {
		out = append(out, *cur)
	}
	if d, ok := r.damagedScan(); ok {
		out = append(out, d)
	}
	return out
}

// damagedScan tells, for a file without an index whose scan stopped at
// damage, whether sound chunks of events follow it: then the damage is in
// the middle (Repair keeps what follows), not a torn end.
func (r *Reader) damagedScan() (Damage, bool) {
	if r.complete || r.truncated == nil || r.dataEnd >= r.size {
		return Damage{}, false
	}
	var chunkSeq, lastSeq uint64
	var lastTs int64
	if n := len(r.index.Chunks); n > 0 {
		c := r.index.Chunks[n-1]
		d, ok := r.descriptorAt(c.Offset)
		if !ok {
			return Damage{}, false
		}
		chunkSeq, lastSeq, lastTs = d.ChunkSeq, c.LastSeq, c.TsMax
	}
	next := r.resync(r.dataEnd, r.size, nil, chunkSeq, lastSeq)
	if next < 0 {
		return Damage{}, false
	}
	nd, ok := r.descriptorAt(next)
	if !ok || nd.Kind != kindEvents {
		return Damage{}, false // (the index, its trailer torn: nothing lost)
	}
	return Damage{Offset: r.dataEnd, End: next, AfterSeq: lastSeq, BeforeSeq: nd.FirstSeq, From: lastTs, To: nd.TsMin,
		Chunks: -1, Reason: reason(r.truncated)}, true
}

// checkChunk reads the chunk of index entry c and checks it.
func (r *Reader) checkChunk(c *ChunkInfo, decode bool) error {
	d, payload, next, err := r.chunkAt(c.Offset, decode)
	if err != nil {
		return err
	}
	if d.Kind != kindEvents || d.CompLen != c.CompLen || d.RawLen != c.RawLen || d.Records != c.Events ||
		d.FirstSeq != c.FirstSeq || d.LastSeq != c.LastSeq || next != c.Offset+c.Size {
		return corrupt(c.Offset, "chunk %d's descriptor disagrees with the index", d.ChunkSeq)
	}
	if decode {
		if _, err := decodeEvents(payload, d); err != nil {
			return corrupt(c.Offset, "chunk %d: %v", d.ChunkSeq, err)
		}
	}
	return nil
}

// reason is a CorruptError's reason, or the error's text.
func reason(err error) string {
	var ce *CorruptError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return err.Error()
}

// resyncBlock is how much of the file resync reads at a time.
const resyncBlock = 1 << 20

// resync finds the first sound chunk after a damaged one at off: an entry
// of the original index if it was readable (known), otherwise the next
// descriptor found by its magic number whose chunk passes its checksum
// and continues the sequence (a later ChunkSeq; a chunk of events after
// lastSeq). It returns -1 if there is none before limit. A chunk of
// another trace stored verbatim inside this one (a recorded copy of a
// trace file, in an incompressible stretch zstd keeps as is) can pass
// these checks only if its numbers happen to continue this trace's.
func (r *Reader) resync(off, limit int64, known []ChunkInfo, chunkSeq, lastSeq uint64) int64 {
	if known != nil {
		for _, c := range known {
			if c.Offset > off {
				return c.Offset
			}
		}
		return -1
	}
	var magic [4]byte
	binary.LittleEndian.PutUint32(magic[:], magicDescriptor)
	buf := make([]byte, resyncBlock+len(magic)-1)
	for pos := off + 1; pos < limit; pos += resyncBlock {
		n, _ := r.ra.ReadAt(buf[:min(int64(len(buf)), limit-pos)], pos)
		b := buf[:n]
		for i := 0; ; {
			j := bytes.Index(b[i:], magic[:])
			if j < 0 || int64(i+j) >= resyncBlock {
				break
			}
			cand := pos + int64(i+j)
			if d, _, _, err := r.chunkAt(cand, false); err == nil && d.ChunkSeq > chunkSeq &&
				(d.Kind == kindIndex || (d.Kind == kindEvents && d.FirstSeq > lastSeq)) {
				return cand
			}
			i += j + 1
		}
		if n < len(buf) && pos+int64(n) >= limit {
			break
		}
	}
	return -1
}

func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// Status is the index's status: "complete" (closed cleanly), "repaired"
// (written by Repair), "incomplete" (no index: scanned).
func (r *Reader) Status() string { return r.index.Status }

// Span returns the times around the loss relative to start (the
// recording's Header.Clock.Mono): the last sound event before and the
// first after (ok false if either is unknown).
func (d *Damage) Span(start int64) (from, to time.Duration, ok bool) {
	if d.From == 0 || d.To == 0 {
		return 0, 0, false
	}
	return time.Duration(d.From - start), time.Duration(d.To - start), true
}
