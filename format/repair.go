package format

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// RepairInfo reports what Repair kept.
type RepairInfo struct {
	Chunks int
	Events uint64
	// Lost says where and why the source's readable part ended (nil if
	// the source was complete).
	Lost error
}

// Repair rewrites the trace at src, complete or not, to dst with an
// index: the header and every sound chunk of events, byte for byte, then
// a new index (status "repaired") and trailer. dst is created with mode
// 0600 and must not be src.
func Repair(src, dst string) (RepairInfo, error) {
	r, err := Open(src)
	if err != nil {
		return RepairInfo{}, err
	}
	defer r.Close()
	info := RepairInfo{Chunks: len(r.index.Chunks), Events: r.index.Events, Lost: r.truncated}
	idx := Index{Status: "repaired", Events: r.index.Events}
	for i, c := range r.index.Chunks {
		d := r.decodeChunk(i)
		if d.err != nil {
			return info, fmt.Errorf("format: repairing %s: %w", src, d.err)
		}
		c.Pids, c.Syscalls = nil, nil
		for _, ev := range d.events {
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
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return info, fmt.Errorf("format: %w", err)
	}
	if _, err = io.Copy(out, io.NewSectionReader(r.ra, 0, r.dataEnd)); err == nil {
		var b []byte
		if b, err = indexChunk(&idx, r.dataEnd, uint64(len(idx.Chunks)+1)); err == nil {
			_, err = out.Write(b)
		}
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return info, fmt.Errorf("format: repairing %s: %w", src, err)
	}
	return info, nil
}
