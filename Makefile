# ccu-purge: `make demo` and `make test` are all a fresh machine with Go needs.
GO      ?= go
BIN     := bin/ccu-purge
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/ccu-purge/ccu-purge/internal/cli.Version=$(VERSION)
DEMO    := testdata/repos/demo-site.git

.PHONY: all build test demo bench lint fixtures clean

all: build

# A static, reproducible binary: the same flags the Docker image uses.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# Every test, with the race detector and in random order.
test:
	$(GO) vet ./...
	$(GO) test -race -shuffle=on -count=1 ./...

# The main job on the bundled example: a sample repository, the built-in
# CCU simulator, no credentials, no network.
demo: build $(DEMO)
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
	$(GO) mod tidy -diff

clean:
	rm -rf bin $(DEMO)
