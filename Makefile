# sagashop build entry points. `make test` is the single test command: CI
# (.ci/run) and the README both call exactly that.

SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 30s

.DEFAULT_GOAL := build
.PHONY: build test lint fmt-check vet tools generate bench fuzz clean help

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

# Protobuf generation. protoc is Debian's protobuf-compiler (3.21.12); the
# plugins are tool dependencies pinned in go.mod, built into bin/tools so the
# output depends only on go.mod and the protoc version. The google/api and
# kratos errors protos come from the kratos module's third_party folder.
TOOLS := bin/tools
PROTO_PLUGINS := protoc-gen-go protoc-gen-go-grpc protoc-gen-go-http protoc-gen-go-errors

tools: ## build the protoc plugins pinned in go.mod into bin/tools
	@mkdir -p $(TOOLS)
	@for p in $(PROTO_PLUGINS); do $(GO) build -o $(TOOLS)/$$p $$($(GO) list -f '{{.ImportPath}}' tool | grep "/$$p\(/v2\)\?$$") || exit 1; done

generate: tools ## regenerate the *.pb.go files from services/*/api and services/*/internal/conf
	@command -v protoc >/dev/null || { echo "generate: protoc not found (apt-get install protobuf-compiler libprotobuf-dev)" >&2; exit 1; }
	@inc=$$($(GO) list -m -f '{{.Dir}}' github.com/go-kratos/kratos/v2)/third_party; \
	plugins="$(foreach p,$(PROTO_PLUGINS),--plugin=$(p)=$(TOOLS)/$(p))"; \
	api=$$(find services -path '*/api/*' -name '*.proto' | sort); \
	conf=$$(find services -path '*/internal/conf/*' -name '*.proto' | sort); \
	if [ -n "$$api" ]; then \
		echo "==> protoc (api) $$api" | tr '\n' ' '; echo; \
		protoc --proto_path=. --proto_path=$$inc $$plugins \
			--go_out=paths=source_relative:. --go-grpc_out=paths=source_relative:. \
			--go-http_out=paths=source_relative:. --go-errors_out=paths=source_relative:. \
			$$api || exit 1; \
	fi; \
	if [ -n "$$conf" ]; then \
		echo "==> protoc (conf) $$conf" | tr '\n' ' '; echo; \
		protoc --proto_path=. --proto_path=$$inc $$plugins --go_out=paths=source_relative:. $$conf || exit 1; \
	fi

bench: ## run the broker benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./mq/...

fuzz: ## short fuzz run of every fuzz target (FUZZTIME=30s each)
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./mq/conf/

clean: ## remove build and coverage outputs
	rm -rf bin/ coverage.out coverage.html
