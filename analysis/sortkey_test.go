package analysis_test

import (
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
)

// TestParseSortKey: the names systr-analyze summary --sort takes give
// their keys; any other name is an error that lists the keys.
func TestParseSortKey(t *testing.T) {
	for name, want := range map[string]analysis.SortKey{"time": analysis.SortByTime, "calls": analysis.SortByCalls,
		"errors": analysis.SortByErrors, "name": analysis.SortByName, "avg": analysis.SortByAvg, "max": analysis.SortByMax} {
		if k, err := analysis.ParseSortKey(name); err != nil || k != want {
			t.Errorf("ParseSortKey(%q) = %q, %v; want %q", name, k, err, want)
		}
		if err := analysis.SortCalls(nil, want); err != nil {
			t.Errorf("SortCalls(%q): %v", want, err)
		}
	}
	for _, bad := range []string{"", "Time", "size"} {
		_, err := analysis.ParseSortKey(bad)
		if err == nil || !strings.Contains(err.Error(), "calls errors name avg max") {
			t.Errorf("ParseSortKey(%q): %v, want an error listing the keys", bad, err)
		}
	}
}
