package examples

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What the examples print, parsed.

// sendResult is a "send message success: result=SendResult [...]" line
// (primitive.SendResult.String).
type sendResult struct {
	at        time.Time
	status    int
	msgIDs    []string // UNIQ_KEYs; empty for a batch (the client's doing)
	offsetIDs []string // one per stored message
	text      string
}

var sendOKRe = regexp.MustCompile(`send message success: result=SendResult \[sendStatus=(\d+), msgIds=([^ ]*), offsetMsgId=([0-9A-Fa-f,]*), queueOffset=`)

// sendResults returns the successful sends among lines.
func sendResults(lines []line) []sendResult {
	var rs []sendResult
	for _, l := range lines {
		for _, m := range sendOKRe.FindAllStringSubmatch(l.text, -1) {
			st, _ := strconv.Atoi(m[1])
			rs = append(rs, sendResult{at: l.at, status: st, msgIDs: splitIDs(strings.TrimSuffix(m[2], ",")),
				offsetIDs: splitIDs(m[3]), text: l.text})
		}
	}
	return rs
}

func splitIDs(s string) []string {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// offsetIDs lists the offsetMsgIds of rs.
func offsetIDs(rs []sendResult) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.offsetIDs...)
	}
	return ids
}

// printed is one message as an example prints it
// (primitive.MessageExt.String).
type printed struct {
	at        time.Time
	body      string
	msgID     string
	offsetID  string
	tags      string
	queue     int
	reconsume int
}

var (
	bodyRe      = regexp.MustCompile(`body=(.*?), Flag=`)
	idsRe       = regexp.MustCompile(`, MsgId=([0-9A-Za-z]*), OffsetMsgId=([0-9A-Fa-f]*),QueueId=(-?\d+)`)
	tagsRe      = regexp.MustCompile(`[\[ ]TAGS:([^ \]]*)`)
	reconsumeRe = regexp.MustCompile(`ReconsumeTimes=(\d+)`)
)

// parseMsgs returns the messages printed on l; a line can hold several
// (a slice printed with %v) or none.
func parseMsgs(l line) []printed {
	const start = "[Message=[topic="
	if !strings.Contains(l.text, start) {
		return nil
	}
	var ms []printed
	for _, chunk := range strings.Split(l.text, start)[1:] {
		m := printed{at: l.at, queue: -1}
		if s := bodyRe.FindStringSubmatch(chunk); s != nil {
			m.body = s[1]
		}
		if s := idsRe.FindStringSubmatch(chunk); s != nil {
			m.msgID, m.offsetID = s[1], s[2]
			m.queue, _ = strconv.Atoi(s[3])
		}
		if s := tagsRe.FindStringSubmatch(chunk); s != nil {
			m.tags = s[1]
		}
		if s := reconsumeRe.FindStringSubmatch(chunk); s != nil {
			m.reconsume, _ = strconv.Atoi(s[1])
		}
		ms = append(ms, m)
	}
	return ms
}

// allPrinted returns every message p printed so far.
func allPrinted(p *proc) []printed {
	var ms []printed
	for _, l := range p.lines() {
		ms = append(ms, parseMsgs(l)...)
	}
	return ms
}

// waitPrinted waits up to d until p has printed a message for every key in
// want, where each of keys names a printed message m, and returns the
// first printing of each key it saw.
func waitPrinted(p *proc, d time.Duration, want []string, keys ...func(printed) string) map[string]printed {
	wanted := map[string]bool{}
	for _, k := range want {
		wanted[k] = true
	}
	seen := map[string]printed{}
	p.scan(d, func(l line) bool {
		for _, m := range parseMsgs(l) {
			for _, key := range keys {
				k := key(m)
				if _, dup := seen[k]; wanted[k] && !dup {
					seen[k] = m
				}
			}
		}
		return len(seen) == len(wanted)
	})
	return seen
}

func byOffsetID(m printed) string { return m.offsetID }
func byMsgID(m printed) string    { return m.msgID }
func byBody(m printed) string     { return m.body }

// missing lists the keys of want that are not in seen, for messages.
func missing[V any](want []string, seen map[string]V) []string {
	var out []string
	for _, k := range want {
		if _, ok := seen[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// countLines counts the lines of p containing s.
func countLines(p *proc, s string) int {
	n := 0
	for _, l := range p.lines() {
		if strings.Contains(l.text, s) {
			n++
		}
	}
	return n
}

// firstLine returns the first line of p containing s, or "".
func firstLine(p *proc, s string) string {
	for _, l := range p.lines() {
		if strings.Contains(l.text, s) {
			return l.text
		}
	}
	return ""
}
