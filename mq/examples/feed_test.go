package examples

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The feeder (internal/feed) sends what the consumer examples wait for
// and reads back what examples left in a topic.

// fed is one message the feeder sent.
type fed struct {
	at       time.Time
	body     string
	tag      string
	msgID    string // UNIQ_KEY, what consumers print as MsgId
	offsetID string
	queue    int
}

var (
	sentRe = regexp.MustCompile(`^sent body=(\S+) tag=(\S*) msgId=(\S+) offsetMsgId=(\S+) queue=(\d+)$`)
	recvRe = regexp.MustCompile(`^recv topic=(\S+) queue=(\d+) offset=(\d+) msgId=(\S*) tags=(\S*) reconsume=(\d+) born=(\d+) body=(".*")$`)
)

// feedTo sends n messages to topic with bodies <prefix>-<i>[-<tag>]
// (extra: more feeder flags such as -tags, -delay, -ak) on behalf of the
// check of example ex, which fails if the feeder does. It returns what was
// sent.
func (h *harness) feedTo(ex, topic string, n int, prefix string, extra ...string) []fed {
	args := append([]string{"-namesrv", namesrvAddr, "-topic", topic, "-n", strconv.Itoa(n), "-prefix", prefix}, extra...)
	p := h.startBin("feed", h.bins["feed"], h.env(), args...)
	if p == nil {
		return nil
	}
	exited := p.waitExit(60 * time.Second)
	var out []fed
	for _, l := range p.lines() {
		if m := sentRe.FindStringSubmatch(l.text); m != nil {
			q, _ := strconv.Atoi(m[5])
			out = append(out, fed{at: l.at, body: m[1], tag: m[2], msgID: m[3], offsetID: m[4], queue: q})
		}
	}
	if !exited || p.waitErr != nil || len(out) != n {
		h.fail(ex, p, "the harness's feeder sent %d of %d messages to %s", len(out), n, topic)
	}
	return out
}

// bodies lists the bodies of ms.
func bodies(ms []fed) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.body)
	}
	return out
}

// recv is a message the feeder read back in -consume mode.
type recv struct {
	topic     string
	queue     int
	offset    int64
	msgID     string
	tags      string
	reconsume int
	born      time.Time
	body      string
}

// readTopic reads topic from its first offset with a new consumer group
// for at most d (less once min messages came and a second passed without
// more) and returns what it read. ok is false if the feeder failed; the
// caller reports that.
func (h *harness) readTopic(topic string, min int, d time.Duration, extra ...string) (msgs []recv, p *proc, ok bool) {
	h.logSeq++
	group := "harness-read-" + h.nonce + "-" + strconv.Itoa(h.logSeq)
	args := append([]string{"-consume", "-namesrv", namesrvAddr, "-topic", topic, "-group", group,
		"-for", d.String(), "-min", strconv.Itoa(min)}, extra...)
	p = h.startBin("feed", h.bins["feed"], h.env(), args...)
	if p == nil {
		return nil, nil, false
	}
	exited := p.waitExit(d + 30*time.Second)
	for _, l := range p.lines() {
		m := recvRe.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		r := recv{topic: m[1], msgID: m[4], tags: m[5]}
		r.queue, _ = strconv.Atoi(m[2])
		r.offset, _ = strconv.ParseInt(m[3], 10, 64)
		r.reconsume, _ = strconv.Atoi(m[6])
		ms, _ := strconv.ParseInt(m[7], 10, 64)
		r.born = time.UnixMilli(ms)
		r.body, _ = strconv.Unquote(m[8])
		msgs = append(msgs, r)
	}
	return msgs, p, exited && p.waitErr == nil
}

// traceRecords reads RMQ_SYS_TRACE_TOPIC until a record of type typ (Pub,
// SubBefore, SubAfter) names each of msgIDs, for up to d. It returns the
// msgIDs still unnamed.
func (h *harness) traceRecords(typ string, msgIDs []string, d time.Duration) []string {
	deadline := time.Now().Add(d)
	var left []string
	for {
		msgs, _, _ := h.readTopic("RMQ_SYS_TRACE_TOPIC", 1, 5*time.Second)
		left = left[:0]
		for _, id := range msgIDs {
			found := false
			for _, m := range msgs {
				for _, rec := range strings.Split(m.body, "\x02") {
					if strings.HasPrefix(strings.TrimSpace(rec), typ+"\x01") && strings.Contains(rec, id) {
						found = true
					}
				}
			}
			if !found {
				left = append(left, id)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(time.Second)
	}
}
