//go:build linux

package fault_test

import (
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestMain fails the run if a process the tests started (a tracee left
// running or stopped) is still there after them.
func TestMain(m *testing.M) { testprog.Main(m) }
