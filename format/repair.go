package format

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
)

// RepairInfo reports what Repair kept.
type RepairInfo struct {
	Chunks int
	Events uint64
	// Lost says where and why the source first stopped reading (nil if
	// the source was sound and complete). Damaged says every stretch lost.
	Lost error
	// Damaged lists the stretches of the source that did not read, in
	// file order: a damaged chunk in the middle (the chunks after it are
	// kept), a torn or missing end. The repaired file's index records
	// them (Reader.Damaged).
	Damaged []Damage
	// Header is the source's header (kept as is).
	Header Header
}

// Repair rewrites the trace at src, complete or not, damaged or not, to
// dst with an index: the header and every sound chunk of events, byte for
// byte, then a new index (status "repaired", with what was lost) and
// trailer. A chunk that fails its checksum or does not decode is left
// out and reading goes on at the next sound chunk: the one the source's
// index names if the index is sound, otherwise the next chunk descriptor
// found in the bytes that passes its checksum and continues the
// sequence. The header must be sound (it says how to read the rest).
// dst is created with mode 0600 and must not be src.
func Repair(src, dst string) (RepairInfo, error) {
	r, err := Open(src)
	if err != nil {
		return RepairInfo{}, fmt.Errorf("format: cannot repair: %w", err)
	}
	defer r.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return RepairInfo{}, fmt.Errorf("format: %w", err)
	}
	info, err := r.RepairTo(out)
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("format: %w", cerr)
	}
	if err != nil {
		os.Remove(dst)
		return info, fmt.Errorf("format: repairing %s: %w", src, err)
	}
	return info, nil
}

// RepairTo writes to out what Repair writes to its destination file: the
// header and every sound chunk of r's file, then a new index and trailer.
func (r *Reader) RepairTo(out io.Writer) (RepairInfo, error) {
	var tail bytes.Buffer
	info, idx, err := r.repair(&tail)
	info.Header = r.header
	if err != nil {
		return info, err
	}
	// The header and chunks: copied from the source, stretch by stretch.
	if _, err = io.Copy(out, io.NewSectionReader(r.ra, 0, r.dataStart)); err != nil {
		return info, err
	}
	for _, c := range idx.Chunks {
		if _, err = io.Copy(out, io.NewSectionReader(r.ra, c.src, c.Size)); err != nil {
			return info, err
		}
	}
	_, err = out.Write(tail.Bytes())
	return info, err
}

// repairChunk is a sound chunk to copy: its index entry (Offset in the
// new file) and its offset in the source.
type repairChunk struct {
	ChunkInfo
	src int64
}

type repairIndex struct {
	Chunks []repairChunk
}

// repair walks the source's chunks, keeping the sound ones, and writes
// the new index and trailer to tail.
func (r *Reader) repair(tail io.Writer) (RepairInfo, repairIndex, error) {
	var info RepairInfo
	var ri repairIndex
	idx := Index{Status: "repaired"}
	limit := r.size
	var known []ChunkInfo
	if r.complete {
		limit, known = r.dataEnd, r.index.Chunks
	}
	off, newOff := r.dataStart, r.dataStart
	var chunkSeq, lastSeq uint64
	var lastTs int64
	sawIndex := false
	for off < limit {
		d, payload, next, err := r.chunkAt(off, true)
		var evs []Event
		if err == nil {
			switch d.Kind {
			case kindIndex:
				// The index of a file whose trailer is missing or torn:
				// everything before it is here.
				sawIndex = true
			case kindEvents:
				if evs, err = decodeEvents(payload, d); err != nil {
					err = corrupt(off, "chunk %d: %v", d.ChunkSeq, err)
				}
			}
		}
		if sawIndex {
			break
		}
		if err != nil {
			dm := Damage{Offset: off, AfterSeq: lastSeq, From: lastTs, Reason: reason(err), Chunks: -1}
			if info.Lost == nil {
				info.Lost = err
			}
			// What the damaged stretch held, if the index or the first
			// descriptor says.
			next = r.resync(off, limit, known, chunkSeq, lastSeq)
			if next < 0 {
				next = limit
			}
			dm.End = next
			if known != nil {
				dm.EventsKnown, dm.Chunks = true, 0
				for _, c := range known {
					if c.Offset >= off && c.Offset < next {
						if dm.Chunks == 0 {
							dm.FirstSeq = c.FirstSeq
						}
						dm.LastSeq = c.LastSeq
						dm.Events += uint64(c.Events)
						dm.Chunks++
					}
				}
			} else if dd, ok := r.descriptorAt(off); ok && dd.Kind == kindIndex && next == limit {
				dm.IndexOnly = true
			}
			if next < limit {
				if nd, ok := r.descriptorAt(next); ok && nd.Kind == kindEvents {
					dm.BeforeSeq, dm.To = nd.FirstSeq, nd.TsMin
				}
			}
			if n := len(info.Damaged); n > 0 && info.Damaged[n-1].End == off {
				// The next damaged chunk right after the last: one stretch.
				p := &info.Damaged[n-1]
				p.End, p.BeforeSeq, p.To, p.IndexOnly = dm.End, dm.BeforeSeq, dm.To, false
				if p.EventsKnown && dm.EventsKnown {
					p.LastSeq, p.Events, p.Chunks = dm.LastSeq, p.Events+dm.Events, p.Chunks+dm.Chunks
				}
			} else {
				info.Damaged = append(info.Damaged, dm)
			}
			off = next
			continue
		}
		if d.Kind != kindEvents {
			off = next // a header again, or a kind of a later version
			continue
		}
		c := ChunkInfo{Offset: newOff, Size: next - off, CompLen: d.CompLen, RawLen: d.RawLen, Events: d.Records,
			FirstSeq: d.FirstSeq, LastSeq: d.LastSeq, TsMin: d.TsMin, TsMax: d.TsMax}
		for _, ev := range evs {
			if h := ev.Base(); !slices.Contains(c.Pids, h.Pid) {
				c.Pids = append(c.Pids, h.Pid)
			}
			if s, ok := ev.(*Syscall); ok {
				k := uint64(s.Arch)<<32 | uint64(uint32(s.Nr))
				if !slices.Contains(c.Syscalls, k) {
					c.Syscalls = append(c.Syscalls, k)
				}
			}
		}
		slices.Sort(c.Pids)
		slices.Sort(c.Syscalls)
		idx.Chunks = append(idx.Chunks, c)
		idx.Events += uint64(d.Records)
		ri.Chunks = append(ri.Chunks, repairChunk{ChunkInfo: c, src: off})
		chunkSeq, lastSeq, lastTs = d.ChunkSeq, max(lastSeq, d.LastSeq), max(lastTs, d.TsMax)
		newOff += next - off
		off = next
	}
	if !r.complete && !sawIndex && info.Lost == nil {
		info.Lost = corrupt(off, "the file ends without an index: the recording did not finish")
	}
	// A stretch lost at the end has no event after it: its To is unknown.
	idx.Damaged = info.Damaged
	info.Chunks, info.Events = len(idx.Chunks), idx.Events
	b, err := indexChunk(&idx, newOff, chunkSeq+1)
	if err != nil {
		return info, ri, err
	}
	_, err = tail.Write(b)
	return info, ri, err
}

// descriptorAt decodes the descriptor at off, if there is one.
func (r *Reader) descriptorAt(off int64) (descriptor, bool) {
	var fh [frameHeaderLen]byte
	var d descriptor
	if r.readFull(fh[:], off) != nil || le32(fh[:]) != magicDescriptor {
		return d, false
	}
	size := int64(le32(fh[4:]))
	if size > maxDescriptor {
		return d, false
	}
	db := make([]byte, size)
	if r.readFull(db, off+frameHeaderLen) != nil || d.decode(db) != nil {
		return d, false
	}
	return d, true
}
