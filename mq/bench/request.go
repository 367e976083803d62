package bench

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// sendRequest is one producer goroutine's request, reused for every send:
// Conn.Invoke encodes the frame before it returns, so nothing of the
// command is kept once the reply (or an error) is back.
type sendRequest struct {
	cmd      *remoting.Command
	batch    bool
	body     []byte // one body, or Batch encoded items
	itemLen  int    // bytes per encoded batch item
	queueIDs []string
	uniq     []byte // props + "UNIQ_KEY\x01" + 20 hex prefix + 12 hex sequence + "\x02"
	uniqSeq  int    // where the sequence digits start in uniq
	keyStart int    // where the UNIQ_KEY value starts in uniq
}

// uniqPrefix is the first 20 hex characters of the UNIQ_KEYs this process
// generates, in the Go client's layout: IPv4 (127.0.0.1), pid, then a
// random value where the client has its classLoadId.
func uniqPrefix() string {
	b := binary.BigEndian.AppendUint32(nil, 0x7F000001)
	b = binary.BigEndian.AppendUint16(b, uint16(os.Getpid()))
	b = binary.BigEndian.AppendUint32(b, rand.Uint32())
	return strings.ToUpper(hex.EncodeToString(b))
}

// newSendRequest builds a producer goroutine's request. A single message
// carries props (complete "key\x01value\x02" pairs, or "") before its
// UNIQ_KEY, and sysFlag.
func newSendRequest(o *Options, queueIDs []string, prefix, props string, sysFlag int32) *sendRequest {
	r := &sendRequest{batch: o.Batch > 1, queueIDs: queueIDs}
	payload := make([]byte, o.Size)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	if !r.batch {
		r.body = payload
		r.uniq = append([]byte(props+message.PropUniqKey+"\x01"), prefix...)
		r.keyStart = len(props) + len(message.PropUniqKey) + 1
		r.uniqSeq = len(r.uniq)
		r.uniq = append(r.uniq, "000000000000\x02"...)
		r.cmd = remoting.NewRequest(remoting.SendMessage, map[string]string{
			"producerGroup": o.ProducerGroup, "topic": o.Topic, "queueId": "0", "sysFlag": strconv.Itoa(int(sysFlag)),
			"bornTimestamp": "0", "flag": "0", "reconsumeTimes": "0", "unitMode": "false",
			"maxReconsumeTimes": "0", "defaultTopic": route.DefaultTopic, "defaultTopicQueueNums": "4",
			"batch": "false", "properties": "",
		}, nil)
		return r
	}
	// The Go client puts no properties on the messages of a batch.
	for range o.Batch {
		r.body = message.AppendBatchItem(r.body, message.BatchItem{Body: payload})
	}
	r.itemLen = len(r.body) / o.Batch
	r.cmd = remoting.NewRequest(remoting.SendBatchMessage, map[string]string{
		"a": o.ProducerGroup, "b": o.Topic, "c": route.DefaultTopic, "d": "4", "e": "0", "f": "0",
		"g": "0", "h": "0", "i": "", "j": "0", "k": "false", "l": "0", "m": "true",
	}, nil)
	return r
}

// prepare sets the queue, the born time, the body for n messages and, for
// a single message, a fresh UNIQ_KEY from seq.
func (r *sendRequest) prepare(queue, n int, now time.Time, seq uint64) *remoting.Command {
	ext := r.cmd.ExtFields
	born := strconv.FormatInt(now.UnixMilli(), 10)
	if r.batch {
		ext["e"], ext["g"] = r.queueIDs[queue], born
		r.cmd.Body = r.body[:n*r.itemLen]
		return r.cmd
	}
	const digits = "0123456789abcdef"
	for i := r.uniqSeq + 11; i >= r.uniqSeq; i-- {
		r.uniq[i] = digits[seq&0xF]
		seq >>= 4
	}
	ext["queueId"], ext["bornTimestamp"], ext["properties"] = r.queueIDs[queue], born, string(r.uniq)
	r.cmd.Body = r.body
	return r.cmd
}

// uniqKey is the UNIQ_KEY the last prepare gave a single message.
func (r *sendRequest) uniqKey() string { return string(r.uniq[r.keyStart : len(r.uniq)-1]) }

// pullRequest is one queue's PULL_MESSAGE, reused for every pull.
type pullRequest struct {
	cmd *remoting.Command
}

func newPullRequest(o *Options, queue int) *pullRequest {
	return &pullRequest{cmd: remoting.NewRequest(remoting.PullMessage, map[string]string{
		"consumerGroup": o.Group, "topic": o.Topic, "queueId": strconv.Itoa(queue), "queueOffset": "0",
		"maxMsgNums": strconv.Itoa(o.MaxMsgNums), "sysFlag": "6", "commitOffset": "0",
		"suspendTimeoutMillis": "20000", "subscription": "*", "subVersion": "0", "expressionType": "TAG",
	}, nil)}
}

func (p *pullRequest) prepare(offset int64) *remoting.Command {
	p.cmd.ExtFields["queueOffset"] = strconv.FormatInt(offset, 10)
	p.cmd.Body = nil
	return p.cmd
}

// countRecords walks a pull reply body of V1 records and returns how many
// there are and how many of them do not carry the queue offset expected
// from their position (want, want+1, ...). A non-nil visit sees each
// whole record.
func countRecords(body []byte, want int64, visit func(rec []byte)) (n, outOfOrder int, err error) {
	for off := 0; off < len(body); n++ {
		if len(body)-off < message.PosQueueOffset+8 {
			return n, outOfOrder, fmt.Errorf("bench: record %d: %d bytes left, too short", n, len(body)-off)
		}
		size := int(binary.BigEndian.Uint32(body[off:]))
		if size < message.PosQueueOffset+8 || size > len(body)-off {
			return n, outOfOrder, fmt.Errorf("bench: record %d: size %d with %d bytes left", n, size, len(body)-off)
		}
		if int64(binary.BigEndian.Uint64(body[off+message.PosQueueOffset:])) != want+int64(n) {
			outOfOrder++
		}
		if visit != nil {
			visit(body[off : off+size])
		}
		off += size
	}
	return n, outOfOrder, nil
}
