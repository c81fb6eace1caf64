//go:build linux

package main

import (
	"fmt"
	"path/filepath"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls/seccomp"
)

// loadProfile reads --seccomp-profile's file; nil for "".
func loadProfile(path string) (*seccomp.Profile, error) {
	if path == "" {
		return nil, nil
	}
	p, err := seccomp.Load(path)
	if err != nil {
		return nil, fmt.Errorf("--seccomp-profile: %w", err)
	}
	return p, nil
}

// profileHeader notes the profile in the trace's header.
func profileHeader(h *format.Header, path string) {
	if path == "" {
		return
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if h.Extra == nil {
		h.Extra = map[string]string{}
	}
	h.Extra[format.ExtraSeccompProfile] = path
}
