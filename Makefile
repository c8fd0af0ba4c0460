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

.PHONY: all build test demo bench bench-submit bench-verify lint fixtures image clean release-snapshot release-pin release-check

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

# actionlint checks workflows; it reads an action.yml only where a workflow
# uses it as a local action, so ci.yml's `uses: ./` checks action.yml and
# release.yml's `uses: ./docker` checks docker/action.yml. TestActionPins
# refuses a third-party action referenced by tag in any of them.
ACTIONLINT := $(GO) run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt would change the files above'; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) mod tidy -diff
	$(ACTIONLINT) .github/workflows/*.yml
	$(GO) test -count=1 -run '^(TestActionPins|TestCheckPins)$$' .

# Submission through the simulator: 10,000 URLs with 100 ms latency, and
# 30,000 URLs paced by the real rate buckets (about 100 s).
bench-submit:
	$(GO) test -run '^$$' -bench 'Submit10k' -benchtime 5x ./internal/ccu/
	$(GO) test -run '^$$' -bench 'Submit30k' -benchtime 1x -timeout 10m ./internal/ccu/

# Verification through the simulator's edge with 50 ms on every answer: a
# deploy of 1,000 changed URLs at the default settings (the default
# sample, 8 requests in flight per host), every one of them, and the
# engine alone against a fake edge at 8 and 32 in flight.
bench-verify:
	$(GO) test -run '^$$' -bench 'VerifyEdge1000|Run1000' -benchtime 3x ./internal/verify/

# The image GitLab CI, Jenkins and docker/action.yml run, for this
# machine's architecture: the static linux binary copied onto Alpine (the
# release builds both architectures with GoReleaser's dockers_v2). Nothing
# is compiled in Docker; the context is bin/image, laid out as buildx lays
# out GoReleaser's (linux/<arch>/ccu-purge). With docker when there is an
# engine, else with buildah (no daemon needed).
IMAGE     ?= ccu-purge:$(VERSION)
IMAGEARCH ?= $(shell $(GO) env GOARCH)
image:
	rm -rf bin/image && mkdir -p bin/image/linux/$(IMAGEARCH)
	CGO_ENABLED=0 GOOS=linux GOARCH=$(IMAGEARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/image/linux/$(IMAGEARCH)/ccu-purge .
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
		docker build --platform linux/$(IMAGEARCH) --build-arg VERSION=$(VERSION) --build-arg REVISION=$(COMMIT) -f Dockerfile -t $(IMAGE) bin/image ; \
	elif command -v buildah >/dev/null 2>&1; then \
		buildah bud --platform linux/$(IMAGEARCH) --build-arg VERSION=$(VERSION) --build-arg REVISION=$(COMMIT) -f Dockerfile -t $(IMAGE) bin/image ; \
	else echo "make image needs docker (with a running engine) or buildah"; exit 1; fi

# Every release artefact into dist/, offline: archives and Akamai CLI
# executables for six platforms, checksums.txt and an SBOM per archive.
# Skipped: publishing, signing (keyless cosign needs GitHub's OIDC token)
# and the image (buildx needs a daemon). GoReleaser and syft are built
# from the module proxy at pinned versions (a few minutes the first time).
# The source commit and date stamp the binaries (see .goreleaser.yaml).
GORELEASER    := $(GO) run github.com/goreleaser/goreleaser/v2@v2.15.1
TOOLS         := $(CURDIR)/bin/tools
source         = $$(git log -1 --format=$(1) -- . ':(exclude)pinned-checksums.txt')
RELEASE_ENV    = CCU_SOURCE_COMMIT=$(call source,%H) \
                 CCU_SOURCE_DATE=$(call source,%cI) \
                 CCU_SOURCE_EPOCH=$(call source,%ct) \
                 PATH="$(TOOLS):$$PATH"
release-snapshot: $(TOOLS)/syft
	$(RELEASE_ENV) $(GORELEASER) release --snapshot --clean --skip=publish,sign,docker

$(TOOLS)/syft:
	GOBIN=$(TOOLS) $(GO) install github.com/anchore/syft/cmd/syft@v1.57.1

# The checksums the release of TAG will have, into pinned-checksums.txt
# (docs/releasing.md): the same build as the release workflow's, offline.
# Commit the file alone, then tag that commit TAG.
release-pin:
	@case "$(TAG)" in v[0-9]*.[0-9]*.[0-9]*) ;; *) echo "usage: make release-pin TAG=vX.Y.Z"; exit 2;; esac
	$(RELEASE_ENV) GORELEASER_CURRENT_TAG=$(TAG) $(GORELEASER) release --clean --skip=publish,sign,docker,sbom,validate,announce
	cp dist/checksums.txt pinned-checksums.txt

# Checks what release-snapshot built: names, checksums.txt against the
# files, SBOMs, and that the host's binary reports the snapshot version.
release-check:
	$(GO) test -count=1 -v ./internal/release/

clean:
	rm -rf bin dist $(DEMO)

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

# Hashing a build output of 100,000 files / 2 GiB (generated once into
# testdata/bench-output/, ignored by git; delete it to rebuild) beside
# `find | xargs -0 -P2 sha256sum` on the same folder, three times each,
# with peak RSS; then the manifest comparison. Figures: docs/benchmarks.md.
BENCH_OUTPUT := $(CURDIR)/testdata/bench-output
bench-output:
	mkdir -p bin $(BENCH_OUTPUT)
	$(GO) test -c -o bin/output.test ./internal/output/
	sh internal/output/bench-output.sh bin/output.test $(BENCH_OUTPUT)
	bin/output.test -test.run '^$$' -test.bench '^BenchmarkCompare100k$$' -test.benchmem

.PHONY: bench-output

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
