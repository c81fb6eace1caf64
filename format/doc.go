// Package format reads and writes systr trace files: msgpack events in
// zstd-compressed, crash-safe, indexed chunks. See issue 4. Not implemented
// yet.
package format
