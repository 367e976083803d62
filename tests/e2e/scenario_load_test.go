//go:build e2e

package e2e

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/load"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// The load of testLoadWithRestarts: modest, so that two cores also run
// seven containers and their restarts.
const (
	loadDuration = 60 * time.Second
	loadBuyers   = 8
	loadRate     = 10 // orders per second
	loadRestock  = 300
	// restartEvery bounds the pause between two restarts.
	restartEveryMin = 3 * time.Second
	restartEveryMax = 6 * time.Second
)

// chaosTargets are the containers testLoadWithRestarts restarts.
var chaosTargets = []string{"order", "inventory", "payment", "broker"}

// testLoadWithRestarts runs load.Run for a minute while containers are
// restarted at random (order, inventory, payment or the broker, one at a
// time, a few seconds apart). Afterwards every order becomes PAID or
// CANCELLED and the invariants hold. The load's figures are logged, not
// judged.
func testLoadWithRestarts(t *testing.T, s *stack) {
	for _, p := range shopsteps.Products(t, s.api) {
		s.restock(t, p.SKU, loadRestock)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)

	start := time.Now()
	chaosCtx, stopChaos := context.WithTimeout(context.Background(), loadDuration)
	defer stopChaos()
	var wg sync.WaitGroup
	var restarts []string
	var chaosErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		restarts, chaosErr = s.chaos(chaosCtx, rand.New(rand.NewPCG(seed, 1)), start)
	}()

	res, err := load.Run(context.Background(), load.Options{
		OrderURL: s.url("order"), InventoryURL: s.url("inventory"), PaymentURL: s.url("payment"),
		HTTP: s.newHTTPClient(2 * loadBuyers), Buyers: loadBuyers, Duration: loadDuration, Rate: loadRate,
		PayShare: 0.8, Seed: seed,
		WaitTimeout: 45 * time.Second,
	})
	stopChaos()
	wg.Wait()
	t.Logf("%d restarts: %s", len(restarts), strings.Join(restarts, ", "))
	if chaosErr != nil {
		t.Fatalf("restarting containers: %v", chaosErr)
	}
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var b strings.Builder
	_ = res.Write(&b)
	t.Logf("load with restarts:\n%s", b.String())
	if res.Created == 0 || res.Paid == 0 {
		t.Errorf("the load created %d orders and paid %d: the shop did not work at all", res.Created, res.Paid)
	}
	orders := s.waitAllTerminal(t, 4*time.Minute)
	t.Logf("all %d orders PAID or CANCELLED %s after the load started", len(orders), time.Since(start).Round(time.Second))
	s.verify(t)
}

// chaos restarts a target every few seconds until ctx is done, one at a
// time, and returns what it restarted ("+12.3s broker (4.1s)"). The
// targets come in rounds, each a random order of all of them, so that a
// minute restarts each at least twice. A restart that began finishes even
// when ctx ends meanwhile.
func (s *stack) chaos(ctx context.Context, rng *rand.Rand, start time.Time) ([]string, error) {
	var done, round []string
	for {
		if len(round) == 0 {
			round = append(round, chaosTargets...)
			rng.Shuffle(len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
		}
		pause := restartEveryMin + time.Duration(rng.Int64N(int64(restartEveryMax-restartEveryMin)))
		select {
		case <-ctx.Done():
			return done, nil
		case <-time.After(pause):
		}
		alias := round[0]
		round = round[1:]
		t0 := time.Now()
		if err := s.restartErr(alias); err != nil {
			return done, err
		}
		done = append(done, "+"+t0.Sub(start).Round(100*time.Millisecond).String()+" "+alias+
			" ("+time.Since(t0).Round(100*time.Millisecond).String()+")")
	}
}
