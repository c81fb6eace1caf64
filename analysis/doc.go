// Package analysis turns trace files into summaries, strace-like text, JSON
// Lines, file and process reports, timelines and normalized diffs. See issue
// 6. Not implemented yet.
package analysis
