//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls/seccomp"
)

// ProfileKey is the header's Extra key naming the seccomp profile the
// program ran under (--seccomp-profile): "FILE" as an absolute path.
const ProfileKey = "seccomp_profile"

// loadProfile reads --seccomp-profile's file; nil for "".
func loadProfile(path string) (*seccomp.Profile, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--seccomp-profile: %w", err)
	}
	p, err := seccomp.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("--seccomp-profile %s: %w", path, err)
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
	h.Extra[ProfileKey] = path
}
