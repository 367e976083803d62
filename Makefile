# sagashop build entry points. `make test` is the single test command: CI
# (.ci/run) and the README both call exactly that.

SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 30s

.DEFAULT_GOAL := build
.PHONY: build test lint fmt-check vet generate bench fuzz clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## go build ./... and bin/mqd
	$(GO) build ./...
	$(GO) build -o bin/mqd ./mq/cmd/mqd

# go_files lists the repository's .go files, tracked and untracked (but not
# git-ignored), without vendor/. Outside a git checkout it falls back to find.
define go_files
{ git ls-files --cached --others --exclude-standard -- '*.go' 2>/dev/null \
  || find . -name '*.go' -not -path './.git/*' | sed 's|^\./||'; } \
  | grep -Ev '(^|/)vendor/' | while IFS= read -r f; do [ -f "$$f" ] && printf '%s\n' "$$f"; done
endef

fmt-check: ## fail listing .go files that gofmt would change
	@echo "==> gofmt -l"
	@unformatted=$$($(go_files) | tr '\n' '\0' | xargs -0 -r gofmt -l); \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files are not formatted (run gofmt -w on them):"; \
		echo "$$unformatted" | sed 's/^/  /'; \
		exit 1; \
	fi

vet: ## go vet ./...
	@echo "==> go vet ./..."
	@$(GO) vet ./...

test: ## gofmt check, go vet, allocation counts, then every test with -race (what CI runs)
	@$(MAKE) --no-print-directory fmt-check \
		|| { echo "make test: FAILED at step 1/4 (gofmt check)" >&2; exit 1; }
	@$(MAKE) --no-print-directory vet \
		|| { echo "make test: FAILED at step 2/4 (go vet)" >&2; exit 1; }
	@echo "==> go test -count=1 -run Allocs ./mq/remoting/ (allocation counts need a build without -race)"
	@$(GO) test -count=1 -run Allocs ./mq/remoting/ \
		|| { echo "make test: FAILED at step 3/4 (allocation tests)" >&2; exit 1; }
	@echo "==> go test -race -count=1 -timeout 25m ./..."
	@$(GO) test -race -count=1 -timeout 25m ./... \
		|| { echo "make test: FAILED at step 4/4 (go test -race)" >&2; exit 1; }
	@echo "make test: all 4 steps passed"

lint: fmt-check vet ## gofmt check, go vet, and staticcheck when it is installed
	@if command -v staticcheck >/dev/null 2>&1; then \
		echo "==> staticcheck ./..."; staticcheck ./...; \
	else \
		echo "==> staticcheck not installed; skipped"; \
	fi

generate: ## go generate ./...
	$(GO) generate ./...

bench: ## run the broker benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./mq/...

fuzz: ## short fuzz run of every fuzz target (FUZZTIME=30s each)
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./mq/conf/

clean: ## remove build and coverage outputs
	rm -rf bin/ coverage.out coverage.html
