package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	commitLogDir    = "commitlog"
	consumeQueueDir = "consumequeue"
	abortFile       = "abort"
	lockFile        = "lock"
)

// Store is the file-based MessageStore (RocketMQ's DefaultMessageStore).
//
// Lock order (a goroutine holding one may only take those after it):
//
//	flushMu -> writeMu -> dispatchMu -> qmu -> consumeQueue.mu -> commitLog.mu
//	                      dispatchMu -> msgIndex.mu
//
// waitMu is a leaf. Readers take qmu only to find a queue and release it,
// then hold one consumeQueue.mu and, nested or not, commitLog.mu for
// reading while they copy out of the mappings. Key lookups take
// msgIndex.mu only to pin the index files, then commitLog.mu per record.
// Retention holds cleanMu and takes commitLog.mu, qmu, each
// consumeQueue.mu and msgIndex.mu one at a time.
type Store struct {
	opts      Options
	log       *slog.Logger
	lock      *os.File
	cl        *commitLog
	cqRoot    string
	sync      bool // FlushMode == SyncFlush
	forceFull bool // a damaged queue was dropped at Open: rebuild all

	// flushMu serialises checkpoints (the periodic flush, Flush,
	// DeleteTopic and Close).
	flushMu sync.Mutex
	lastCP  checkpoint // guarded by flushMu

	// writeMu serialises appends to the CommitLog and the assignment of
	// queue offsets.
	writeMu sync.Mutex
	active  *segment      // segment being appended to; guarded by writeMu
	pos     int64         // append position in active; guarded by writeMu
	lastTS  int64         // last store timestamp, kept non-decreasing; guarded by writeMu
	closed  bool          // guarded by writeMu
	plan    []planned     // scratch of Put; guarded by writeMu
	offSlab []int64       // see carveLocked; guarded by writeMu
	pending []dispatchReq // SyncFlush: written, not yet dispatched; guarded by writeMu

	// dispatchMu serialises writes to ConsumeQueue units.
	dispatchMu sync.Mutex

	qmu    sync.RWMutex
	queues map[queueKey]*consumeQueue // guarded by qmu

	idx *msgIndex // written under dispatchMu; see msgIndex

	wrote      atomic.Int64 // CommitLog end (stored under writeMu)
	activeFrom atomic.Int64 // Put boundary at or before active.base (stored under writeMu)
	flushed    atomic.Int64 // CommitLog fsynced below this
	// visible bounds the records readers may read; it is published before
	// any queue max that points below it, so a visible unit's record is
	// always readable. dispatched is published after the units: records
	// below have their units written and visible.
	visible    atomic.Int64
	dispatched atomic.Int64
	failed     atomic.Pointer[error]

	waitMu     sync.Mutex
	waiters    []waiter // guarded by waitMu
	waitClosed bool     // guarded by waitMu

	cleanMu   sync.Mutex    // serialises retention runs
	commitSig chan struct{} // wakes the SyncFlush committer
	cleanSig  chan struct{} // wakes the cleaner
	diskFull  atomic.Bool
	diskCheck atomic.Int64 // time.Since(started) of the last disk check, ns
	started   time.Time
	fsyncs    atomic.Int64 // CommitLog fsync rounds, for tests

	isClosed  atomic.Bool
	closeOnce sync.Once
	closeErr  error
	cancel    context.CancelFunc // stops the cleaner and the periodic flusher
	stopSync  context.CancelFunc // stops the SyncFlush committer
	wg        sync.WaitGroup
}

type queueKey struct {
	topic string
	id    int32
}

// Open validates opts, creates the directories, recovers the CommitLog and
// the ConsumeQueues and starts the flusher and the cleaner.
func Open(opts Options) (*Store, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	s := &Store{opts: opts, log: opts.Logger, sync: opts.FlushMode == SyncFlush,
		cqRoot: filepath.Join(opts.Dir, consumeQueueDir), queues: map[queueKey]*consumeQueue{},
		commitSig: make(chan struct{}, 1), cleanSig: make(chan struct{}, 1), started: time.Now()}
	if s.lock, err = lockDir(opts.Dir); err != nil {
		return nil, err
	}
	if err := s.open(); err != nil {
		s.closeFiles()
		s.lock.Close()
		return nil, err
	}
	s.checkDisk(true)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(2)
	go s.runFlusher(ctx)
	go s.runCleaner(ctx)
	if s.sync {
		sctx, stop := context.WithCancel(context.Background())
		s.stopSync = stop
		s.wg.Add(1)
		go s.runCommitter(sctx)
	}
	return s, nil
}

// open loads the files and recovers.
func (s *Store) open() error {
	_, err := os.Stat(filepath.Join(s.opts.Dir, abortFile))
	aborted := err == nil
	cp, cpOK, err := readCheckpoint(s.opts.Dir)
	if err != nil {
		s.log.Warn("store: unreadable checkpoint; rebuilding consume queues", "err", err)
	}
	if s.cl, err = openCommitLog(filepath.Join(s.opts.Dir, commitLogDir), s.opts.CommitLogSegmentSize); err != nil {
		return err
	}
	if err := s.loadQueues(); err != nil {
		return err
	}
	if s.idx, err = openIndex(filepath.Join(s.opts.Dir, indexDir), s.opts.indexSlots, s.opts.indexEntries, s.log); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(s.opts.Dir, abortFile))
	if err != nil {
		return err
	}
	f.Close()
	if err := syncDir(s.opts.Dir); err != nil {
		return err
	}
	clean := !aborted && cpOK && cp.Clean
	return s.recover(cp, cpOK, clean)
}

// lockDir takes an exclusive flock on dir/lock.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrLocked, dir, err)
	}
	return f, nil
}

// Close flushes everything, writes a clean checkpoint, removes the abort
// marker and stops the goroutines.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	s.writeMu.Lock()
	s.closed = true
	s.writeMu.Unlock()
	s.cancel()
	if s.sync {
		s.stopSync() // the committer commits what is left, then fails late waiters
	}
	s.wg.Wait()
	s.flushMu.Lock()
	err := s.checkpointLocked(true)
	s.isClosed.Store(true)
	s.flushMu.Unlock()
	s.closeFiles()
	if err == nil {
		err = s.failure()
	}
	if err == nil {
		if err = os.Remove(filepath.Join(s.opts.Dir, abortFile)); err == nil {
			err = syncDir(s.opts.Dir)
		}
	}
	s.lock.Close()
	return err
}

// closeFiles unmaps every segment.
func (s *Store) closeFiles() {
	s.qmu.Lock()
	for _, q := range s.queues {
		q.close()
	}
	s.qmu.Unlock()
	if s.idx != nil {
		s.idx.close()
	}
	if s.cl != nil {
		s.cl.close()
	}
}

// fail records the first fatal I/O error; Put and OnDurable then return it.
func (s *Store) fail(err error) {
	if s.failed.CompareAndSwap(nil, &err) {
		s.log.Error("store: failed; restart to recover", "err", err)
	}
}

func (s *Store) failure() error {
	if p := s.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// queue returns the ConsumeQueue of topic/id or nil.
func (s *Store) queue(topic string, id int32) *consumeQueue {
	s.qmu.RLock()
	q := s.queues[queueKey{topic, id}]
	s.qmu.RUnlock()
	return q
}

// queueOrCreate returns the ConsumeQueue of topic/id, adding an empty one
// if needed (its files are created on first dispatch). writeMu is held,
// or the store is recovering.
func (s *Store) queueOrCreate(topic string, id int32) *consumeQueue {
	if q := s.queue(topic, id); q != nil {
		return q
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	q := s.queues[queueKey{topic, id}]
	if q == nil {
		q = newConsumeQueue(s.cqRoot, topic, id, int64(s.opts.ConsumeQueueSegmentEntries))
		s.queues[queueKey{topic, id}] = q
	}
	return q
}

// queueList snapshots the queues.
func (s *Store) queueList() []*consumeQueue {
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	out := make([]*consumeQueue, 0, len(s.queues))
	for _, q := range s.queues {
		out = append(out, q)
	}
	return out
}

// CommitLogMinOffset is the start of the oldest CommitLog segment.
func (s *Store) CommitLogMinOffset() int64 { return s.cl.minOffset() }

// CommitLogMaxOffset is the offset just past the last record written.
func (s *Store) CommitLogMaxOffset() int64 { return s.wrote.Load() }
