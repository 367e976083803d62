//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// Timing of a stack, scaled down from the demo shop's: the broker's delay
// level 16 (order:timeout) is paymentTimeout, as is the order service's
// payment timeout, and the sweep backs a lost timeout message up within
// seconds. Levels 1 to 15 are 1s, so consumer retries (level 3 and up)
// come quickly.
const (
	paymentTimeout = 5 * time.Second
	sweepInterval  = time.Second
	sweepGrace     = 4 * time.Second
	// slack is how long past its deadline an order may stay open: the
	// sweep's grace and period plus room for a loaded two-core machine.
	slack = sweepGrace + sweepInterval + 10*time.Second
	// Broker transaction check-back: a half message is checked once it is
	// txTimeoutMillis old, every txCheckIntervalMillis.
	txTimeoutMillis       = 1000
	txCheckIntervalMillis = 1000
	// readyTimeout bounds how long a container may take to become ready
	// (MySQL 8 initializing its data directory takes the longest).
	readyTimeout = 3 * time.Minute
	// stopGrace is how long a stopped container gets between SIGTERM and
	// SIGKILL, as with `docker stop`.
	stopGrace = 10 * time.Second
)

// service is one of the three shop services: its network alias (also its
// database's name) and ports.
type service struct {
	name       string
	img        image
	http, grpc int
}

// services in start order: order dials inventory, payment dials order.
var services = []service{
	{"inventory", inventoryImage, 8002, 9002},
	{"order", orderImage, 8001, 9001},
	{"payment", paymentImage, 8003, 9003},
}

// serviceNamed returns the service called name.
func serviceNamed(name string) service {
	for _, s := range services {
		if s.name == name {
			return s
		}
	}
	panic("e2e: no service " + name)
}

// stack is one running shop: a network and a container per alias
// (mysql, redis, namesrv, broker, inventory, order, payment).
type stack struct {
	id    int
	top   *testing.T // owns the cleanups: a stack outlives the scenario that started it
	nw    *testcontainers.DockerNetwork
	http  *http.Client
	api   *shopapi.Client
	admin *admin.Client

	mu        sync.Mutex
	ctrs      map[string]*testcontainers.DockerContainer // alias -> current container
	endpoints map[string]string                          // "alias:port" -> host:mapped port
	logs      []*containerLog                            // every container of the stack, retired ones too
	initial   map[string]int64                           // sku -> expected total (seed + restocks)
	closed    bool
}

// stackSeq numbers the stacks of a run (for logs).
var stackSeq int

// startStack starts a whole shop and waits until every container is
// ready. The containers and the network are cleaned up with top's
// cleanups; t is the scenario that needs the stack (a failure fails it).
func startStack(t *testing.T, top *testing.T) *stack {
	t.Helper()
	stackSeq++
	start := time.Now()
	s := &stack{id: stackSeq, top: top, ctrs: map[string]*testcontainers.DockerContainer{}, endpoints: map[string]string{}}
	s.http = s.newHTTPClient(16)
	ctx, cancel := context.WithTimeout(context.Background(), 2*readyTimeout)
	defer cancel()

	nw, err := network.New(ctx)
	testcontainers.CleanupNetwork(top, nw)
	if err != nil {
		t.Fatalf("stack %d: network: %v", s.id, err)
	}
	s.nw = nw
	fail := func(err error) {
		t.Helper()
		s.dumpLogs(t, 80)
		s.close(t)
		t.Fatalf("stack %d: %v", s.id, err)
	}
	// The backing servers need nothing of each other; the broker needs the
	// NameServer, and the services everything before them.
	if err := s.runAll(ctx, s.mysqlSpec(), s.redisSpec(), s.namesrvSpec()); err != nil {
		fail(err)
	}
	if err := s.runAll(ctx, s.brokerSpec()); err != nil {
		fail(err)
	}
	for _, sv := range services {
		if err := s.runAll(ctx, s.serviceSpec(sv, nil)); err != nil {
			fail(err)
		}
	}
	api, err := shopapi.New(shopapi.Options{OrderURL: s.url("order"), InventoryURL: s.url("inventory"), PaymentURL: s.url("payment"), HTTP: s.http})
	if err != nil {
		fail(err)
	}
	s.api = api
	// Only Pull is used, with the broker's mapped address: the addresses
	// the NameServer hands out are the containers' own.
	if s.admin, err = admin.New(nil); err != nil {
		fail(err)
	}
	top.Cleanup(func() { s.admin.Close() })
	stocks, err := api.ListStocks(ctx)
	if err != nil {
		fail(fmt.Errorf("list stocks: %w", err))
	}
	s.initial = map[string]int64{}
	for _, st := range stocks {
		s.initial[st.SKU] = st.Total
	}
	t.Logf("stack %d: 7 containers ready in %s", s.id, time.Since(start).Round(time.Millisecond))
	return s
}

// spec is how to run one container: its alias and the options of
// testcontainers.Run after the network and logger.
type spec struct {
	alias string
	img   string
	opts  []testcontainers.ContainerCustomizer
	ports []string // container ports the test process reaches ("8001/tcp")
}

// runAll runs the specs in parallel and waits until all are ready.
func (s *stack) runAll(ctx context.Context, specs ...spec) error {
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, sp := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.run(ctx, sp)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// run starts one container on the stack's network under its alias,
// registers its cleanup, waits until it is ready and records its mapped
// ports.
func (s *stack) run(ctx context.Context, sp spec) error {
	opts := append([]testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(tcLogger),
		network.WithNetwork([]string{sp.alias}, s.nw),
		testcontainers.WithExposedPorts(sp.ports...),
	}, sp.opts...)
	ctr, err := testcontainers.Run(ctx, sp.img, opts...)
	testcontainers.CleanupContainer(s.top, ctr)
	if ctr != nil {
		s.mu.Lock()
		s.ctrs[sp.alias] = ctr
		s.logs = append(s.logs, &containerLog{alias: sp.alias, ctr: ctr})
		s.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("%s (%s): %w", sp.alias, sp.img, err)
	}
	return s.publish(ctx, sp.alias, sp.ports...)
}

// container returns the current container of alias.
func (s *stack) container(alias string) *testcontainers.DockerContainer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctrs[alias]
}

// stop stops alias's container: SIGTERM, then SIGKILL after grace.
func (s *stack) stop(t testing.TB, alias string, grace time.Duration) {
	t.Helper()
	if err := s.stopErr(alias, grace); err != nil {
		t.Fatal(err)
	}
}

func (s *stack) stopErr(alias string, grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace+time.Minute)
	defer cancel()
	if err := s.container(alias).Stop(ctx, &grace); err != nil {
		return fmt.Errorf("stop %s: %w", alias, err)
	}
	return nil
}

// start starts alias's stopped container again and waits until it is
// ready (its wait strategy runs again); its ports are mapped anew.
func (s *stack) start(t testing.TB, alias string) {
	t.Helper()
	if err := s.startErr(alias); err != nil {
		t.Fatal(err)
	}
}

func (s *stack) startErr(alias string) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if err := s.container(alias).Start(ctx); err != nil {
		return fmt.Errorf("start %s: %w", alias, err)
	}
	return s.republish(ctx, alias)
}

// restartErr stops and starts alias's container, as `docker restart`
// does (same container, same address on the network, new host ports).
func (s *stack) restartErr(alias string) error {
	if err := s.stopErr(alias, stopGrace); err != nil {
		return err
	}
	return s.startErr(alias)
}

// replaceService removes a service's container (graceful stop) and runs
// a new one under the same alias with env added to its environment and
// opts applied, then waits for its /healthz. The old container's log is
// kept for dumpLogs.
func (s *stack) replaceService(t testing.TB, name string, env map[string]string, opts ...testcontainers.ContainerCustomizer) {
	t.Helper()
	s.retire(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	sp := s.serviceSpec(serviceNamed(name), env)
	sp.opts = append(sp.opts, opts...)
	if err := s.run(ctx, sp); err != nil {
		t.Fatal(err)
	}
}

// retire removes alias's current container (graceful stop first), keeping
// its log.
func (s *stack) retire(t testing.TB, alias string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stopGrace+time.Minute)
	defer cancel()
	s.mu.Lock()
	ctr := s.ctrs[alias]
	delete(s.ctrs, alias)
	s.mu.Unlock()
	if err := s.remove(ctx, alias, ctr); err != nil {
		t.Fatal(err)
	}
}

// remove stops ctr gracefully, keeps its log (its shutdown included) and
// removes it. A container that needed SIGKILL is noted in the output.
func (s *stack) remove(ctx context.Context, alias string, ctr *testcontainers.DockerContainer) error {
	grace := stopGrace
	start := time.Now()
	if err := ctr.Stop(ctx, &grace); err != nil {
		return fmt.Errorf("stop %s: %w", alias, err)
	}
	if d := time.Since(start); d >= stopGrace {
		s.top.Logf("stack %d: %s did not stop within %s of SIGTERM (killed after %s)", s.id, alias, stopGrace, d.Round(time.Millisecond))
	}
	if l := s.logFor(ctr); l != nil {
		l.keep(ctx)
	}
	if err := ctr.Terminate(ctx); err != nil {
		return fmt.Errorf("remove %s: %w", alias, err)
	}
	return nil
}

// close removes every container (in parallel) and the network now, keeping
// the logs; the cleanups registered with top then find nothing left.
func (s *stack) close(t testing.TB) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	ctrs := s.ctrs
	s.ctrs = map[string]*testcontainers.DockerContainer{}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(ctrs))
	for alias, ctr := range ctrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.remove(ctx, alias, ctr)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("stack %d: %v", s.id, err)
		}
	}
	s.keepLogs(ctx)
	if s.nw != nil {
		if err := s.nw.Remove(ctx); err != nil {
			t.Errorf("stack %d: remove the network: %v", s.id, err)
		}
	}
}

// addInitial records a restock in the totals verify expects.
func (s *stack) addInitial(sku string, q int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initial[sku] += q
}

// initialTotals copies the totals verify expects.
func (s *stack) initialTotals() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]int64, len(s.initial))
	for k, v := range s.initial {
		m[k] = v
	}
	return m
}
