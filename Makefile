# ccu-purge: `make demo` and `make test` are all a fresh machine with Go needs.
GO      ?= go
BIN     := bin/ccu-purge
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
# The commit's date, not the build's, so the same commit builds the same bytes.
DATE    ?= $(shell git log -1 --format=%cI 2>/dev/null)
PKG     := github.com/ccu-purge/ccu-purge/internal/cli
LDFLAGS := -s -w -X $(PKG).Version=$(VERSION) -X $(PKG).Commit=$(COMMIT) -X $(PKG).Date=$(DATE)
DEMO    := testdata/repos/demo-site.git

.PHONY: all build test demo bench bench-submit lint fixtures image clean release-snapshot release-check

all: build

# A static, reproducible binary: the same flags the Docker image uses.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# Every test, with the race detector and in random order; then the
# release platforms that are not this one still build and vet (the unix
# signal and fifo code has build tags).
test:
	$(GO) vet ./...
	$(GO) test -race -shuffle=on -count=1 ./...
	GOOS=windows $(GO) build -o /dev/null ./... && GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) build -o /dev/null ./... && GOOS=darwin $(GO) vet ./...

# The main job on the bundled example: a sample repository, the built-in
# CCU simulator, no credentials, no network. One compile: the binary
# builds the example repository itself when $(DEMO) is missing (a second
# `go run` of a generator would compile the dependencies again with other
# flags, 92 s of a fresh 227 s run). A repository older than its generator
# is rebuilt.
demo: build
	@if [ -d $(DEMO) ] && [ -n "$$(find internal/demo/demo.go internal/gitfixture/gitfixture.go -newer $(DEMO) 2>/dev/null)" ]; then rm -rf $(DEMO); fi
	$(BIN) demo --repo $(DEMO)

fixtures: $(DEMO)

$(DEMO): internal/demo/demo.go internal/gitfixture/gitfixture.go
	rm -rf $@
	$(GO) run ./internal/demo/mkrepo $@

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt would change the files above'; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) mod tidy -diff

# Submission through the simulator: 10,000 URLs with 100 ms latency, and
# 30,000 URLs paced by the real rate buckets (about 100 s).
bench-submit:
	$(GO) test -run '^$$' -bench 'Submit10k' -benchtime 5x ./internal/ccu/
	$(GO) test -run '^$$' -bench 'Submit30k' -benchtime 1x -timeout 10m ./internal/ccu/

# The image the GitHub Action, GitLab CI and Jenkins run: with docker when
# there is an engine, else with buildah (no daemon needed).
IMAGE ?= ccu-purge:$(VERSION)
image:
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
		docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) . ; \
	elif command -v buildah >/dev/null 2>&1; then \
		buildah bud --build-arg VERSION=$(VERSION) -t $(IMAGE) . ; \
	else echo "make image needs docker (with a running engine) or buildah"; exit 1; fi

clean:
	rm -rf bin $(DEMO)

# The diff engine beside `git diff --name-status --no-renames`, both as whole
# processes on the same generated repositories (built once with git
# fast-import into testdata/repos/bench-*.git), with ratios and peak RSS.
bench-diff:
	$(GO) test -run '^$$' -bench 'Changes' -benchtime 7x ./internal/diff/

# Every shape of change (gitfixture.Shapes) as a bare repository to inspect.
fixtures-diff: testdata/repos/shapes.git

testdata/repos/shapes.git: internal/gitfixture/gitfixture.go internal/gitfixture/shapes.go
	rm -rf $@
	$(GO) run ./internal/gitfixture/mkshapes $@

.PHONY: bench-diff fixtures-diff

# Every native fuzz target, one after another, for FUZZTIME each (go test
# fuzzes one target per run). Their seeds already run in `make test`;
# a crasher is written to the package's testdata/fuzz, where it stays as
# a regression seed. See docs/reliability.md.
FUZZTIME ?= 30s
# The diff package's inputs (a pack index is a kilobyte at least) take
# longer to minimize than FUZZTIME: left at go's 60 s per new input,
# FuzzPackIndex spent its whole run minimizing (18 executions in 60 s).
DIFFMIN ?= -fuzzminimizetime 10x
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/mapper/
	$(GO) test -run '^$$' -fuzz '^FuzzTemplate$$' -fuzztime $(FUZZTIME) ./internal/mapper/
	$(GO) test -run '^$$' -fuzz '^FuzzEscapePath$$' -fuzztime $(FUZZTIME) ./internal/mapper/
	$(GO) test -run '^$$' -fuzz '^FuzzDetectGitHub$$' -fuzztime $(FUZZTIME) ./internal/ci/
	$(GO) test -run '^$$' -fuzz '^FuzzParseError$$' -fuzztime $(FUZZTIME) ./internal/ccu/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadCredentials$$' -fuzztime $(FUZZTIME) ./internal/ccu/
	$(GO) test -run '^$$' -fuzz '^FuzzVerifyArbitrary$$' -fuzztime $(FUZZTIME) ./internal/ccusim/
	$(GO) test -run '^$$' -fuzz '^FuzzVerifySigned$$' -fuzztime $(FUZZTIME) ./internal/ccusim/
	$(GO) test -run '^$$' -fuzz '^FuzzPackIndex$$' -fuzztime $(FUZZTIME) $(DIFFMIN) ./internal/diff/
	$(GO) test -run '^$$' -fuzz '^FuzzPackEntry$$' -fuzztime $(FUZZTIME) $(DIFFMIN) ./internal/diff/
	$(GO) test -run '^$$' -fuzz '^FuzzApplyDelta$$' -fuzztime $(FUZZTIME) $(DIFFMIN) ./internal/diff/
	$(GO) test -run '^$$' -fuzz '^FuzzParseTree$$' -fuzztime $(FUZZTIME) $(DIFFMIN) ./internal/diff/

.PHONY: fuzz
