//go:build e2e

package e2e

import (
	"testing"
	"time"
)

// scenario is one end-to-end scenario. Each runs on the suite's shared
// stack, leaves it running and consistent, and ends with verify.
type scenario struct {
	name string
	run  func(t *testing.T, s *stack)
}

// scenarios run in this order on one stack: the quiet ones first, the
// ones that restart or replace containers after them, load with random
// restarts last.
var scenarios = []scenario{
	{"happy_path", testHappyPath},
	{"timeout_release", testTimeoutRelease},
	{"payment_races_timeout", testPaymentRacesTimeout},
	{"order_killed_before_local_commit", testCrashBeforeLocalCommit},
	{"order_killed_after_local_commit", testCrashAfterLocalCommit},
	{"broker_restart", testBrokerRestart},
	{"mariadb_restart", testMariaDBRestart},
	{"load_with_restarts", testLoadWithRestarts},
}

// TestE2E runs every scenario, in order, on one shared stack. A scenario
// that fails leaves the stack in an unknown state, so the next one starts
// a fresh stack. `-run 'TestE2E/broker'` runs one scenario (on a stack of
// its own).
func TestE2E(t *testing.T) {
	requireSuite(t)
	su := &suite{top: t}
	t.Cleanup(su.closeStack)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := su.stack(t)
			start := time.Now()
			defer func() {
				if t.Failed() {
					s.dumpLogs(t, 120)
					su.closeStack()
				}
				t.Logf("%s took %s on stack %d", sc.name, time.Since(start).Round(time.Millisecond), s.id)
			}()
			sc.run(t, s)
		})
	}
	// Here rather than in a cleanup, so that the logs are read before the
	// containers' own cleanups remove them.
	su.closeStack()
}

// suite owns the shared stack.
type suite struct {
	top *testing.T
	cur *stack
}

// stack returns the shared stack, starting one when there is none.
func (su *suite) stack(t *testing.T) *stack {
	t.Helper()
	if su.cur == nil {
		su.cur = startStack(t, su.top)
	}
	return su.cur
}

// closeStack removes the shared stack's containers and network now.
func (su *suite) closeStack() {
	if su.cur != nil {
		su.cur.close(su.top)
		su.cur = nil
	}
}
