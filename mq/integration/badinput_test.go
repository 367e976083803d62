package integration

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/sagashop/sagashop/mq/remoting"
)

// rawFrame builds a frame by hand: total length, serialize type and
// header length, header, body.
func rawFrame(serialize byte, header, body []byte) []byte {
	b := make([]byte, 8, 8+len(header)+len(body))
	binary.BigEndian.PutUint32(b, uint32(4+len(header)+len(body)))
	binary.BigEndian.PutUint32(b[4:], uint32(serialize)<<24|uint32(len(header)))
	return append(append(b, header...), body...)
}

// jsonHeader is a request header as the Go client writes it.
func jsonHeader(code, opaque, flag int, ext map[string]string) []byte {
	b, _ := json.Marshal(map[string]any{
		"code": code, "language": "GO", "version": 317, "opaque": opaque, "flag": flag, "remark": "", "extFields": ext,
	})
	return b
}

// outcome is what the broker did with raw bytes: the frames it answered
// with, and whether it then closed the connection.
type outcome struct {
	replies []*remoting.Command
	closed  bool
}

// sendRaw writes b on a new connection, half-closes it when closeWrite
// is set, and reads replies until the broker closes the connection or
// stays silent for quiet.
func sendRaw(t *testing.T, addr string, b []byte, closeWrite bool, quiet time.Duration) outcome {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer nc.Close()
	if _, err := nc.Write(b); err != nil && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("write: %v", err)
	}
	if closeWrite {
		nc.(*net.TCPConn).CloseWrite()
	}
	var out outcome
	r := bufio.NewReader(nc)
	for {
		nc.SetReadDeadline(time.Now().Add(quiet))
		cmd, err := remoting.ReadFrame(r, 64<<20)
		var ne net.Error
		switch {
		case err == nil:
			out.replies = append(out.replies, cmd)
			continue
		case errors.As(err, &ne) && ne.Timeout():
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
			out.closed = true
		default:
			t.Fatalf("reading the broker's answer: %v", err)
		}
		return out
	}
}

// TestBadInput feeds malformed frames and invalid requests to the broker
// over raw TCP: each gets a clear error response or a closed connection,
// the connection survives request-level errors, and a producer and a
// consumer on their own connections keep working throughout.
func TestBadInput(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "live")
		createTopic(t, c, topic, 4)
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		p := newProducer(t, c)

		var (
			mu       sync.Mutex
			sent     []string
			sendErrs []string
		)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				b := "live-" + strconv.Itoa(i)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(b)))
				cancel()
				mu.Lock()
				if err != nil || res.Status != primitive.SendOK {
					sendErrs = append(sendErrs, b+": "+errString(err))
				} else {
					sent = append(sent, b)
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()

		t.Run("frames", func(t *testing.T) { badFrames(t, c) })
		t.Run("requests", func(t *testing.T) { badRequests(t, c) })

		close(stop)
		<-done
		if len(sendErrs) > 0 {
			t.Errorf("%d sends of the live producer failed while bad input arrived, e.g. %s", len(sendErrs), sendErrs[0])
		}
		if len(sent) < 10 {
			t.Errorf("the live producer got only %d sends through", len(sent))
		}
		col.waitAll(t, sent, 15*time.Second)
		t.Logf("the live producer and consumer moved %d messages while bad input arrived", len(sent))
	})
}

func errString(err error) string {
	if err == nil {
		return "not SendOK"
	}
	return err.Error()
}

// badFrames checks broken framing: the broker answers with an error that
// names the problem or closes the connection, and never hangs.
func badFrames(t *testing.T, c *cluster) {
	quiet := 3 * time.Second
	okHeader := jsonHeader(int(remoting.GetMaxOffset), 5, 0, map[string]string{"topic": "x", "queueId": "0"})
	huge := make([]byte, 8)
	binary.BigEndian.PutUint32(huge, 17<<20) // more than the 16 MiB limit
	hdr77 := jsonHeader(int(remoting.SendMessage), 77, 0, map[string]string{"topic": "x"})
	binary.BigEndian.PutUint32(huge[4:], uint32(len(hdr77)))
	huge = append(huge, hdr77...)
	truncated := rawFrame(0, okHeader, make([]byte, 500))[:60]
	badHeaderLen := rawFrame(0, okHeader, nil)
	binary.BigEndian.PutUint32(badHeaderLen[4:], 100000) // header longer than the frame
	negative := []byte{0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0}
	tiny := []byte{0, 0, 0, 2, 0, 0}

	for _, tc := range []struct {
		name       string
		bytes      []byte
		closeWrite bool
	}{
		{"malformed JSON header", rawFrame(0, []byte(`{"code":30,"opaque":3,"extFields":{"topic":`), nil), false},
		{"header that is not JSON", rawFrame(0, []byte("hello, broker"), nil), false},
		{"JSON header with a string code", rawFrame(0, []byte(`{"code":"thirty","opaque":4}`), nil), false},
		{"unknown serialize type", rawFrame(7, okHeader, nil), false},
		{"header length beyond the frame", badHeaderLen, false},
		{"negative frame length", negative, false},
		{"frame length below 4", tiny, false},
		{"truncated frame, then close", truncated, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := sendRaw(t, c.BrokerAddr, tc.bytes, tc.closeWrite, quiet)
			for _, r := range out.replies {
				if r.Code == int16(remoting.Success) || r.Remark == "" {
					t.Errorf("answered %s with remark %q; want an error that says what is wrong", remoting.ResponseCode(r.Code), r.Remark)
				}
			}
			if !out.closed && len(out.replies) == 0 {
				t.Errorf("no answer and the connection is still open after %v", quiet)
			} else {
				t.Logf("error replies %s, closed %v", remarks(out.replies), out.closed)
			}
		})
	}

	// An announced frame over 16 MiB is refused without reading it: the
	// broker answers the request it can still see, then closes.
	t.Run("frame over 16 MiB", func(t *testing.T) {
		out := sendRaw(t, c.BrokerAddr, huge, false, quiet)
		if len(out.replies) != 1 || out.replies[0].Code != int16(remoting.SystemError) || out.replies[0].Opaque != 77 ||
			!strings.Contains(strings.ToLower(out.replies[0].Remark), "large") {
			t.Errorf("replies %s; want one SYSTEM_ERROR for opaque 77 saying the frame is too large", remarks(out.replies))
		}
		if !out.closed {
			t.Errorf("the connection stayed open")
		}
	})

	// A response nobody asked for is ignored and the connection still
	// serves requests.
	t.Run("stray response", func(t *testing.T) {
		stray := rawFrame(0, jsonHeader(0, 999, 1, map[string]string{}), nil)
		next := rawFrame(0, jsonHeader(int(remoting.GetMaxOffset), 6, 0, map[string]string{"topic": "nope", "queueId": "0"}), nil)
		out := sendRaw(t, c.BrokerAddr, append(stray, next...), false, time.Second)
		if len(out.replies) != 1 || out.replies[0].Opaque != 6 || out.closed {
			t.Errorf("replies %s closed %v; want one reply for opaque 6 on an open connection", remarks(out.replies), out.closed)
		}
	})
}

func remarks(cmds []*remoting.Command) string {
	var parts []string
	for _, c := range cmds {
		parts = append(parts, remoting.ResponseCode(c.Code).String()+" opaque="+strconv.Itoa(int(c.Opaque))+" "+strconv.Quote(c.Remark))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// sendExt is a SEND_MESSAGE header as the Go client writes it.
func sendExt(topic string) map[string]string {
	return map[string]string{
		"producerGroup": "bad-input", "topic": topic, "defaultTopic": "TBW102", "defaultTopicQueueNums": "4",
		"queueId": "0", "sysFlag": "0", "bornTimestamp": strconv.FormatInt(time.Now().UnixMilli(), 10), "flag": "0",
		"properties": "", "reconsumeTimes": "0", "unitMode": "false", "maxReconsumeTimes": "0", "batch": "false",
	}
}

// batchExt is a SEND_BATCH_MESSAGE header with the one-letter keys.
func batchExt(topic string) map[string]string {
	return map[string]string{
		"a": "bad-input", "b": topic, "c": "TBW102", "d": "4", "e": "0", "f": "0",
		"g": strconv.FormatInt(time.Now().UnixMilli(), 10), "h": "0", "i": "", "j": "0", "k": "false", "l": "0", "m": "true",
	}
}

// badRequests sends well-framed requests that are wrong: each gets an
// error code with a remark, on a connection that keeps working.
func badRequests(t *testing.T, c *cluster) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := remoting.Dial(ctx, c.BrokerAddr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ns, err := remoting.Dial(ctx, c.NamesrvAddr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()

	topic := uniqName(t, "real")
	createTopic(t, c, topic, 1)
	long := strings.Repeat("x", 128)
	for _, tc := range []struct {
		name   string
		conn   *remoting.Conn
		code   remoting.RequestCode
		ext    map[string]string
		body   []byte
		want   remoting.ResponseCode
		remark string // a word the remark must contain (lower case)
	}{
		{"unknown request code", conn, 9999, nil, nil, remoting.RequestCodeNotSupported, "not supported"},
		{"unknown request code at the NameServer", ns, 9999, nil, nil, remoting.RequestCodeNotSupported, "not supported"},
		{"send without a topic", conn, remoting.SendMessage, sendExt(""), []byte("x"), remoting.MessageIllegal, "topic"},
		{"send to a topic with a space", conn, remoting.SendMessage, sendExt("bad topic"), []byte("x"), remoting.MessageIllegal, "topic"},
		{"send to a topic with a slash", conn, remoting.SendMessage, sendExt("a/b"), []byte("x"), remoting.MessageIllegal, "topic"},
		{"send to a topic with non-ASCII letters", conn, remoting.SendMessage, sendExt("tópico"), []byte("x"), remoting.MessageIllegal, "topic"},
		{"send to a 128-character topic", conn, remoting.SendMessage, sendExt(long), []byte("x"), remoting.MessageIllegal, "topic"},
		{"send to the default topic", conn, remoting.SendMessage, sendExt("TBW102"), []byte("x"), remoting.MessageIllegal, "topic"},
		{"batch to a bad topic", conn, remoting.SendBatchMessage, batchExt("bad topic"), []byte("x"), remoting.MessageIllegal, "topic"},
		{"send with a queueId that is not a number", conn, remoting.SendMessage,
			func() map[string]string { e := sendExt(topic); e["queueId"] = "first"; return e }(), []byte("x"), remoting.MessageIllegal, "queueid"},
		{"heartbeat without a body", conn, remoting.HeartBeat, nil, nil, remoting.SystemError, "heartbeat"},
		{"heartbeat with broken JSON", conn, remoting.HeartBeat, nil, []byte(`{"clientID":`), remoting.SystemError, "heartbeat"},
		{"heartbeat without a client id", conn, remoting.HeartBeat, nil, []byte(`{}`), remoting.SystemError, "clientid"},
		{"batch without a body", conn, remoting.SendBatchMessage, batchExt(topic), nil, remoting.MessageIllegal, "batch"},
		{"batch with a garbage body", conn, remoting.SendBatchMessage, batchExt(topic), []byte{0, 0, 0, 99, 1, 2, 3}, remoting.MessageIllegal, "batch"},
		{"pull from an unknown topic", conn, remoting.PullMessage, map[string]string{
			"consumerGroup": "bad-input", "topic": uniqName(t, "nosuch"), "queueId": "0", "queueOffset": "0",
			"maxMsgNums": "32", "sysFlag": "2", "commitOffset": "-1", "suspendTimeoutMillis": "20000",
			"subscription": "", "subVersion": "0", "expressionType": "TAG"}, nil, remoting.TopicNotExist, "not exist"},
		{"pull without a queue", conn, remoting.PullMessage, map[string]string{"consumerGroup": "bad-input", "topic": topic}, nil,
			remoting.SystemError, "queue"},
		{"offset query with a bad queueId", conn, remoting.QueryConsumerOffset,
			map[string]string{"consumerGroup": "bad-input", "topic": topic, "queueId": "-x"}, nil, remoting.SystemError, "queueid"},
		{"route of an unknown topic", ns, remoting.GetRouteInfoByTopic, map[string]string{"topic": uniqName(t, "nosuch")}, nil,
			remoting.TopicNotExist, "topic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.conn.Invoke(ctx, remoting.NewRequest(tc.code, tc.ext, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if remoting.ResponseCode(resp.Code) != tc.want || !strings.Contains(strings.ToLower(resp.Remark), tc.remark) {
				t.Errorf("%s %q; want %s with a remark about %q", remoting.ResponseCode(resp.Code), resp.Remark, tc.want, tc.remark)
			} else {
				t.Logf("%s %q", remoting.ResponseCode(resp.Code), resp.Remark)
			}
		})
	}

	// Both connections still work.
	resp, err := conn.Invoke(ctx, remoting.NewRequest(remoting.GetMaxOffset, map[string]string{"topic": topic, "queueId": "0"}, nil))
	if err != nil || resp.Err() != nil {
		t.Errorf("the broker connection after the bad requests: %v %v", err, resp)
	}
	resp, err = ns.Invoke(ctx, remoting.NewRequest(remoting.GetRouteInfoByTopic, map[string]string{"topic": topic}, nil))
	if err != nil || resp.Err() != nil {
		t.Errorf("the NameServer connection after the bad requests: %v %v", err, resp)
	}

	// A request in the ROCKETMQ binary header encoding gets its reply in
	// the same encoding.
	req := remoting.NewRequest(9998, nil, nil)
	req.Serialize = remoting.RocketMQ
	resp, err = conn.Invoke(ctx, req)
	if err != nil || remoting.ResponseCode(resp.Code) != remoting.RequestCodeNotSupported || resp.Serialize != remoting.RocketMQ {
		t.Errorf("binary-header request: %v %+v; want REQUEST_CODE_NOT_SUPPORTED in the binary encoding", err, resp)
	}
}
