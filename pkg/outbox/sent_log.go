package outbox

import "time"

// handOffGrace bounds how long after its commit a row's hand-off may reach
// the queue. The AfterCommit hooks of a transaction run right after its
// commit, one after the other; a hook registered before the hand-off (a
// cache delete on Redis, say) delays it by at most its own timeout, far
// below this. A later hand-off would only send its row twice.
const handOffGrace = time.Minute

// sentLog is what the relay's goroutine remembers of the rows it sent;
// only that goroutine uses it.
//
// A row may reach the relay twice: handed over by Relay.Add, and read from
// the table when a read runs between its commit and the relay taking it
// from the queue. Rows handed over and sent are deleted before the next
// read, so a read never returns them. Rows a read sent are remembered in
// readAt, so that their hand-off, if one comes, is skipped.
type sentLog struct {
	// unacked are the ids sent and not yet deleted, in send order.
	unacked []int64
	// readAt maps the id of a row a read sent to when it was read; an
	// entry ends when the row's hand-off arrives or at prune.
	readAt map[int64]time.Time
	// reads are the ids of readAt in the order they were added.
	reads []int64
}

func newSentLog() *sentLog { return &sentLog{readAt: map[int64]time.Time{}} }

// sent records that the row id was sent and must be deleted.
func (s *sentLog) sent(id int64) { s.unacked = append(s.unacked, id) }

// read records that the row id, read from the table at, was sent.
func (s *sentLog) read(id int64, at time.Time) {
	s.readAt[id] = at
	s.reads = append(s.reads, id)
}

// readBefore reports whether a read sent the row id; a row is handed over
// once at most, so the entry ends here.
func (s *sentLog) readBefore(id int64) bool {
	_, ok := s.readAt[id]
	if ok {
		delete(s.readAt, id)
	}
	return ok
}

// prune forgets the rows read more than handOffGrace ago when queue is
// empty: their hand-offs, if any, arrived before now and were taken from
// the queue already (only the relay's goroutine takes from it).
func (s *sentLog) prune(queue chan row) {
	cutoff := time.Now().Add(-handOffGrace)
	if len(queue) > 0 {
		return
	}
	n := 0
	for _, id := range s.reads {
		at, ok := s.readAt[id]
		if ok && !at.Before(cutoff) {
			break
		}
		if ok {
			delete(s.readAt, id)
		}
		n++
	}
	s.reads = s.reads[n:]
}
