package saga

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// The scaled timing of a shop: the broker's delay level 16 (order:timeout)
// is the order service's payment timeout, by default paymentTimeout, and
// the sweep catches a lost timeout message within seconds. Levels 1 to 15
// (consumer retries use 3 and up) are 1s.
const (
	paymentTimeout = 3 * time.Second
	sweepInterval  = time.Second
	sweepGrace     = 2 * time.Second
	// slack is how long past its deadline an order may stay open: the
	// sweep's grace and period plus room for a loaded machine.
	slack = sweepGrace + sweepInterval + 5*time.Second
	// Broker transaction check-back: a half message is checked once it is
	// txTimeout old, every txCheckInterval.
	txTimeoutMillis       = 1000
	txCheckIntervalMillis = 1000
)

// Consumer groups of the services (SAGA.md).
var groups = []string{"order-service", "inventory-service", "payment-service"}

// shopOptions change a shop's timing.
type shopOptions struct {
	// timeout is the order service's payment timeout and, unless level16
	// is set, the broker's delay level 16; default paymentTimeout.
	timeout time.Duration
	// level16 is the broker's delay level 16 when it should differ from
	// timeout (a timeout message that comes too late: the sweep's case).
	level16 time.Duration
}

// delayTable is the broker's messageDelayLevel for o.
func (o shopOptions) delayTable() string {
	return strings.Repeat("1s ", 15) + delayLevel(o.level16) + " 1h 2h"
}

// delayLevel writes d as the broker's table does: "3s", "5m", "1h".
func delayLevel(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// shop is one running saga: the broker in this process and the three
// services as child processes on a backend of their own.
type shop struct {
	t       *testing.T
	opts    shopOptions
	dir     string
	backend *backend
	cluster *standalone.Cluster
	admin   *admin.Client
	api     *shopapi.Client
	http    map[string]int // service -> HTTP port
	grpc    map[string]int // service -> gRPC port
	procs   map[string]*proc

	mu      sync.Mutex
	initial map[string]int64 // sku -> expected total (seed + restocks)
	down    map[string]bool  // services the test stopped or killed on purpose
}

// startShop starts a broker and the three services on a fresh backend of
// fl and registers their teardown (and, on failure, the logs) with
// t.Cleanup.
func startShop(t *testing.T, fl flavor, o shopOptions) *shop {
	t.Helper()
	skipShort(t)
	for _, s := range services {
		serviceBinary(t, s)
	}
	if o.timeout <= 0 {
		o.timeout = paymentTimeout
	}
	if o.level16 <= 0 {
		o.level16 = o.timeout
	}
	b := fl.setup(t)
	s := &shop{t: t, opts: o, dir: t.TempDir(), backend: b, http: map[string]int{}, grpc: map[string]int{},
		procs: map[string]*proc{}, down: map[string]bool{}}
	logs := logDir(t)
	t.Cleanup(func() { s.dumpLogs(logs) })
	s.startBroker(logs)
	for _, name := range services {
		s.http[name], s.grpc[name] = freePort(t), freePort(t)
	}
	for _, name := range services {
		s.procs[name] = s.newProc(name, logs)
	}
	t.Cleanup(s.stopAll)
	// In dependency order: order calls inventory, payment calls order, and
	// a gRPC client whose first dial is refused backs off for a while.
	for _, name := range []string{"inventory", "order", "payment"} {
		if err := s.startService(name); err != nil {
			t.Fatal(err)
		}
	}
	api, err := shopapi.New(shopapi.Options{OrderURL: s.url("order"), InventoryURL: s.url("inventory"), PaymentURL: s.url("payment")})
	if err != nil {
		t.Fatal(err)
	}
	s.api = api
	stocks, err := api.ListStocks(context.Background())
	if err != nil {
		t.Fatalf("list stocks: %v", err)
	}
	s.initial = map[string]int64{}
	for _, st := range stocks {
		s.initial[st.SKU] = st.Total
	}
	return s
}

// startBroker starts the NameServer and Broker in this process with the
// scaled delay table and a fast transaction check-back.
func (s *shop) startBroker(logs string) {
	t := s.t
	f, err := os.Create(filepath.Join(logs, "broker.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	bo := broker.DefaultOptions()
	bo.Logger = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo}))
	bo.Config.StorePathRootDir = filepath.Join(s.dir, "mq")
	for k, v := range map[string]string{
		"messageDelayLevel":        s.opts.delayTable(),
		"transactionTimeOut":       strconv.Itoa(txTimeoutMillis),
		"transactionCheckInterval": strconv.Itoa(txCheckIntervalMillis),
	} {
		if err := bo.Config.Set(k, v); err != nil {
			t.Fatalf("broker config %s: %v", k, err)
		}
	}
	c, err := standalone.Start(standalone.Options{
		NamesrvListen: fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		BrokerListen:  fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		Broker:        bo,
	})
	if err != nil {
		t.Fatalf("broker: %v", err)
	}
	s.cluster = c
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("closing the broker: %v", err)
		}
	})
	cl, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	s.admin = cl
	t.Cleanup(func() { cl.Close() })
}

// url is a service's HTTP base URL.
func (s *shop) url(name string) string { return fmt.Sprintf("http://127.0.0.1:%d", s.http[name]) }

// newProc prepares a service process: its configuration is the
// repository's configs/config.yaml with the environment overrides below.
func (s *shop) newProc(name, logs string) *proc {
	t := s.t
	confPath := filepath.Join(s.dir, name+".yaml")
	if err := os.WriteFile(confPath, serviceConfig(t, name, s.backend.redisDB), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"SAGASHOP_HTTP_ADDR=" + fmt.Sprintf("127.0.0.1:%d", s.http[name]),
		"SAGASHOP_GRPC_ADDR=" + fmt.Sprintf("127.0.0.1:%d", s.grpc[name]),
		"SAGASHOP_DB_DRIVER=" + s.backend.driver,
		"SAGASHOP_DB_SOURCE=" + s.backend.sources[name],
		"SAGASHOP_REDIS_ADDR=" + s.backend.redisAddr,
		"SAGASHOP_NAMESRV=" + s.cluster.NamesrvAddr,
	}
	switch name {
	case "order":
		env = append(env,
			"SAGASHOP_INVENTORY_GRPC="+fmt.Sprintf("127.0.0.1:%d", s.grpc["inventory"]),
			"SAGASHOP_PAYMENT_TIMEOUT="+s.opts.timeout.String(),
			"SAGASHOP_SWEEP_INTERVAL="+sweepInterval.String(),
			"SAGASHOP_SWEEP_GRACE="+sweepGrace.String())
	case "payment":
		env = append(env, "SAGASHOP_ORDER_GRPC="+fmt.Sprintf("127.0.0.1:%d", s.grpc["order"]))
	}
	return &proc{name: name, bin: serviceBinary(t, name), args: []string{"-conf", confPath},
		env: env, logPath: filepath.Join(logs, name+".log")}
}

// startService starts a service (with extraEnv for this run) and waits for
// its /healthz.
func (s *shop) startService(name string, extraEnv ...string) error {
	p := s.procs[name]
	if err := p.start(extraEnv...); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.down, name)
	s.mu.Unlock()
	if err := waitHealthy(context.Background(), p, s.url(name), 60*time.Second); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, p.logTail(40))
	}
	return nil
}

// markDown records that the test itself stops name (or makes it crash).
func (s *shop) markDown(name string) {
	s.mu.Lock()
	s.down[name] = true
	s.mu.Unlock()
}

// restart stops a service gracefully and starts it again with extraEnv.
func (s *shop) restart(name string, extraEnv ...string) {
	s.t.Helper()
	s.markDown(name)
	if err := s.procs[name].stop(30 * time.Second); err != nil {
		s.t.Error(err)
	}
	if err := s.startService(name, extraEnv...); err != nil {
		s.t.Fatal(err)
	}
}

// stopAll stops every service gracefully (SIGTERM) and fails the test
// when one does not stop in time, exits with an error, or had exited
// while the test did not expect it.
func (s *shop) stopAll() {
	var wg sync.WaitGroup
	for name, p := range s.procs {
		s.mu.Lock()
		down := s.down[name]
		s.mu.Unlock()
		if !p.running() {
			if !down && p.exited() != nil {
				s.t.Errorf("%s exited while the test ran: %v", name, exitText(p.exitErr()))
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.stop(30 * time.Second); err != nil {
				s.t.Error(err)
				return
			}
			if err := p.exitErr(); err != nil {
				s.t.Errorf("%s: graceful stop (SIGTERM) ended with %v", name, err)
			}
		}()
	}
	wg.Wait()
}

// dumpLogs prints the tail of every log when the test failed.
func (s *shop) dumpLogs(dir string) {
	if !s.t.Failed() {
		return
	}
	for _, name := range services {
		if p := s.procs[name]; p != nil {
			s.t.Logf("---- %s log (last 120 lines of %s) ----\n%s", name, p.logPath, p.logTail(120))
		}
	}
	s.t.Logf("---- broker log (last 30 lines) ----\n%s", tailFile(filepath.Join(dir, "broker.log"), 30))
}

// addInitial records a restock in the totals verify expects.
func (s *shop) addInitial(sku string, q int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initial[sku] += q
}

// initialTotals copies the totals verify expects.
func (s *shop) initialTotals() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]int64, len(s.initial))
	for k, v := range s.initial {
		m[k] = v
	}
	return m
}
