package analysis

import (
	"fmt"
	"slices"
)

// SortKey is an order of a summary table's rows (SortCalls,
// SummaryOptions.Sort, Stats.WriteTable). "" means SortByTime.
type SortKey string

// The orders SortCalls knows: each largest first but SortByName
// (alphabetical).
const (
	SortByTime   SortKey = "time"   // total time in the call
	SortByCalls  SortKey = "calls"  // number of calls
	SortByErrors SortKey = "errors" // calls that failed
	SortByName   SortKey = "name"   // the syscall's name
	SortByAvg    SortKey = "avg"    // time per call
	SortByMax    SortKey = "max"    // the longest call
)

// sortKeys are the orders SortCalls knows.
var sortKeys = []SortKey{SortByTime, SortByCalls, SortByErrors, SortByName, SortByAvg, SortByMax}

// ParseSortKey returns the order named s ("time", "calls", "errors",
// "name", "avg" or "max", as systr-analyze summary --sort takes them), or
// an error naming the ones there are.
func ParseSortKey(s string) (SortKey, error) {
	if k := SortKey(s); slices.Contains(sortKeys, k) {
		return k, nil
	}
	return "", unknownSortKey(s)
}

// unknownSortKey is the error for a key that is not in sortKeys.
func unknownSortKey(s string) error {
	return fmt.Errorf("analysis: unknown sort key %q (want one of %v)", s, sortKeys)
}
