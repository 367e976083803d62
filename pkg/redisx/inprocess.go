package redisx

import (
	"fmt"
	"sync"

	"github.com/alicebob/miniredis/v2"
)

// StartInProcess starts a miniredis server on 127.0.0.1 at a free port for
// the embedded mode and returns its address and an idempotent stop func.
//
// Key TTLs follow the wall clock (miniredis.ClockTTL), as on a real server:
// idempotency records and cache entries expire. Data lives in memory only.
func StartInProcess() (addr string, stop func(), err error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("redisx: start in-process server: %w", err)
	}
	var once sync.Once
	return m.Addr(), func() { once.Do(m.Close) }, nil
}
