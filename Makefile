# systr — build, test, benchmark.
GO      ?= go
BIN     := bin
BENCHTIME ?= 1x
COUNT   ?= 5
FUZZTIME ?= 15s
PREFIX  ?= /usr/local
DESTDIR ?=
COMMANDS := systr-record systr-analyze systr-replay systr-trace
# The packages that build on any OS (test's cross-compile step); the rest
# (tracer, record, replay, the recording commands, internal/ptrace,
# internal/seccomp, internal/self) are Linux only: every file of theirs
# carries //go:build linux, so GOOS=darwin go build ./... skips them.
PORTABLE := ./format ./syscalls/... ./analysis/... ./golden ./cmd/systr-analyze ./internal/cmdutil ./internal/elfid

.PHONY: all build libsysctr install uninstall test test-short bench demo generate vet clean duckq duckdb-test fleet-example oci-runtimes

all: build libsysctr

# The commands (cmd/libsysctr is a C library, built by the libsysctr target).
build:
	$(GO) build ./...
	mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ $$($(GO) list ./cmd/... | grep -v '/cmd/libsysctr$$')

# The commands, their manual pages and their bash and zsh completion scripts
# into $(DESTDIR)$(PREFIX): bin/, share/man/man1/, share/bash-completion/
# completions/, share/zsh/site-functions/. Each command makes its page and
# scripts from its own flags and doc comment (the hidden --generate
# man|bash|zsh; internal/cmdutil/doc.go).
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	set -e; for c in $(COMMANDS); do \
		install -m 755 $(BIN)/$$c $(DESTDIR)$(PREFIX)/bin/$$c; \
		$(BIN)/$$c --generate man >$(DESTDIR)$(PREFIX)/share/man/man1/$$c.1; \
		$(BIN)/$$c --generate bash >$(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$c; \
		$(BIN)/$$c --generate zsh >$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$c; \
	done

uninstall:
	for c in $(COMMANDS); do \
		rm -f $(DESTDIR)$(PREFIX)/bin/$$c $(DESTDIR)$(PREFIX)/share/man/man1/$$c.1 \
			$(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$c $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$c; \
	done

# LibSysCTr's C interface: bin/libsysctr.so, bin/libsysctr.a and their header
# bin/sysctr.h (README "C interface"). cgo's own generated header is removed:
# sysctr.h is the interface.
libsysctr:
	mkdir -p $(BIN)
	CGO_ENABLED=1 $(GO) build -buildmode=c-shared -o $(BIN)/libsysctr.so ./cmd/libsysctr
	CGO_ENABLED=1 $(GO) build -buildmode=c-archive -o $(BIN)/libsysctr.a ./cmd/libsysctr
	rm -f $(BIN)/libsysctr.h
	cp cmd/libsysctr/sysctr.h $(BIN)/sysctr.h

# The whole suite, with the race detector (tracees are built from testdata by
# the tests themselves; cc is needed for the C ones, Go for the rest;
# cmd/libsysctr's tests build libsysctr.so and .a themselves).
test: oci-runtimes
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...   # arm64 must keep building (it cannot run here)
	set -e; for os in darwin windows; do \
		GOOS=$$os GOARCH=amd64 $(GO) build ./...; \
		GOOS=$$os GOARCH=amd64 $(GO) vet ./...; \
		GOOS=$$os GOARCH=amd64 $(GO) test -c -o /dev/null $(PORTABLE); \
	done   # the read side builds anywhere: traces recorded on Linux are analyzed on macOS and Windows (its tests compile there; those that record are Linux only); ./... there skips the Linux-only packages, whose every file carries //go:build linux
	$(GO) test -race -count=1 -timeout 20m ./...
	$(GO) test -run '^$$' -fuzz FuzzReader -fuzztime $(FUZZTIME) -fuzzminimizetime 3s ./format/   # the trace reader on hostile input, briefly (a new input is minimized for 3 s at most: the default, 60 s, outlasts the fuzz time and failed with "context deadline exceeded")
	$(GO) test -run '^$$' -fuzz '^FuzzRepair$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 3s ./format/   # repair of damaged traces
	$(MAKE) duckdb-test

# The Parquet export checked by DuckDB: test/duckdb is a module of its own
# (cgo: github.com/duckdb/duckdb-go links DuckDB in), so that systr's stays
# pure Go. Its tests record real programs, export them, and compare
# DuckDB's answers with systr-analyze's; they run README's "Fleet
# analysis" queries and examples/fleet/fleet.sh. A clean module cache
# downloads ~200 MB for it (~30 s with the build).
duckdb-test:
	cd test/duckdb && $(GO) vet ./... && $(GO) test -count=1 -timeout 10m ./...

# bin/duckq: runs SQL in DuckDB and prints tables (README "Fleet analysis").
duckq:
	mkdir -p $(BIN)
	cd test/duckdb && $(GO) build -o $(abspath $(BIN))/ ./cmd/duckq

# README "Fleet analysis": record runs of a workload under three hosts,
# export them into one directory and ask DuckDB two fleet questions; the
# script checks the answers (exit 1 if not as expected).
fleet-example: build duckq
	./examples/fleet/fleet.sh

test-short:
	$(GO) test -short -count=1 ./...

# Benchmarks run side by side with their anchors (native, a bare C ptrace
# loop) in one run, unpinned and pinned to one CPU; see README "Performance".
bench:
	./scripts/bench.sh
	$(GO) test -run '^$$' -bench 'Write' -benchtime 1000000x -count $(COUNT) ./format/
	$(GO) test -run '^$$' -bench 'Read' -benchtime 3x -count $(COUNT) -cpu 1 ./format/
	$(GO) test -run '^$$' -bench 'FindTrace' -benchtime 1x -count 1 ./record/
	COUNT=$(COUNT) ./scripts/bench-record.sh
	$(GO) test -run '^$$' -bench . -benchtime 3x -count $(COUNT) ./analysis/   # views over a 1 M-event trace: events/s, peak heap

# The README's first command: trace sh -c 'ls / | wc -l'.
demo: build
	$(BIN)/systr-trace

generate:
	$(GO) generate ./...
	git diff --exit-code -- syscalls/

vet:
	$(GO) vet ./...

clean:
	rm -rf $(BIN)

# The seccomp tests run real containers under runc (Docker's runtime) and
# crun (podman's): install the missing ones where apt-get exists and we are
# root (measured: apt-get update 1.8 s, install of both 4.5 s, 3 MB); never
# fails: without them TestSeccompRuntimes and TestSeccompCrun skip, saying why.
oci-runtimes:
	@missing=; for r in runc crun; do command -v $$r >/dev/null 2>&1 || missing="$$missing $$r"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "oci-runtimes:$$missing missing, no apt-get: the seccomp container tests skip them"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "oci-runtimes:$$missing missing, not root: apt-get install$$missing to run the seccomp container tests"; exit 0; fi; \
	echo "oci-runtimes: apt-get update && apt-get install -y --no-install-recommends$$missing (the seccomp tests run containers under them)"; \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null; } \
		|| echo "oci-runtimes: installing$$missing failed: the seccomp container tests skip them"
