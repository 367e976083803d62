package biz

import "sync"

// ChangeFeed tells blocking reads that an order may have changed. A signal
// carries no state: it means "read the order again".
type ChangeFeed interface {
	// Subscribe starts watching order sn. After each change of sn that
	// commits from then on, changed holds a value (signals coalesce: it
	// buffers at most one). The caller must call stop when it stops
	// reading changed; later calls of stop do nothing. Safe for
	// concurrent use.
	Subscribe(sn string) (changed <-chan struct{}, stop func())
}

// ChangeNotifier is told about committed changes of orders.
type ChangeNotifier interface {
	// Notify signals the watchers of order sn. It never blocks; call it
	// only after the change committed, so that a watcher that reads the
	// order sees it. Safe for concurrent use.
	Notify(sn string)
}

// Notifier is the in-process ChangeFeed and ChangeNotifier: the order
// repository notifies it after each commit, and waiting reads subscribe.
// It only knows the changes of this process; a waiter still re-reads now
// and then for changes committed by other replicas. The zero value is not
// usable; call NewNotifier. Safe for concurrent use.
type Notifier struct {
	mu       sync.Mutex
	watchers map[string]map[chan struct{}]struct{} // order_sn -> its watchers' channels; guarded by mu
}

var (
	_ ChangeFeed     = (*Notifier)(nil)
	_ ChangeNotifier = (*Notifier)(nil)
)

// NewNotifier returns a Notifier without watchers.
func NewNotifier() *Notifier {
	return &Notifier{watchers: map[string]map[chan struct{}]struct{}{}}
}

// Subscribe implements ChangeFeed.
func (n *Notifier) Subscribe(sn string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	n.mu.Lock()
	set := n.watchers[sn]
	if set == nil {
		set = map[chan struct{}]struct{}{}
		n.watchers[sn] = set
	}
	set[ch] = struct{}{}
	n.mu.Unlock()
	var once sync.Once
	return ch, func() { once.Do(func() { n.unsubscribe(sn, ch) }) }
}

// unsubscribe removes ch from the watchers of sn, and sn when it was the
// last one, so that the map only holds orders somebody waits for.
func (n *Notifier) unsubscribe(sn string, ch chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	set := n.watchers[sn]
	delete(set, ch)
	if len(set) == 0 {
		delete(n.watchers, sn)
	}
}

// Notify implements ChangeNotifier.
func (n *Notifier) Notify(sn string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.watchers[sn] {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending: the watcher will read the order anyway
		}
	}
}
