package messaging

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
)

// Broker settings of the test cluster. Level 2 (the delay test) is 1s;
// level 3, the first retry, is 200ms. A half message may be checked back
// 1s after it was sent, and the broker looks every 300ms.
const (
	testDelayTable = "100ms 1s 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms 200ms"
	txImmunity     = time.Second
	txCheckEvery   = 300 * time.Millisecond
)

var (
	clusterMu  sync.Mutex
	clusterVal *standalone.Cluster
	clusterDir string
)

// testCluster returns the package's NameServer and Broker, starting them
// on first use.
func testCluster(t *testing.T) *standalone.Cluster {
	t.Helper()
	clusterMu.Lock()
	defer clusterMu.Unlock()
	if clusterVal != nil {
		return clusterVal
	}
	dir, err := os.MkdirTemp("", "messaging-broker-")
	if err != nil {
		t.Fatal(err)
	}
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = dir
	for k, v := range map[string]string{
		"messageDelayLevel":        testDelayTable,
		"transactionTimeOut":       fmt.Sprint(txImmunity.Milliseconds()),
		"transactionCheckInterval": fmt.Sprint(txCheckEvery.Milliseconds()),
	} {
		if err := bo.Config.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: bo})
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	clusterVal, clusterDir = c, dir
	return c
}

// stopCluster stops the test cluster, if one was started, and removes its
// store.
func stopCluster() error {
	clusterMu.Lock()
	defer clusterMu.Unlock()
	if clusterVal == nil {
		return nil
	}
	err := clusterVal.Close()
	os.RemoveAll(clusterDir)
	clusterVal = nil
	return err
}

var nameSeq atomic.Int64

// uniqName returns a topic or group name no other test uses.
func uniqName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), nameSeq.Add(1))
}

// eventually polls cond every 20ms until it holds or timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// recLogger is a log.Logger that keeps every line.
type recLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recLogger) Log(level log.Level, kv ...any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level.String()+" "+fmt.Sprint(kv...))
	return nil
}

// count returns how many lines contain s.
func (l *recLogger) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}
