package admin

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// createTopic creates topic with n queues on the cluster and waits for
// its route.
func createTopic(t *testing.T, cl *Client, topic string, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := cl.CreateTopic(ctx, cluster, route.NewTopicConfig(topic, n, route.PermRead|route.PermWrite)); err != nil {
		t.Fatalf("CreateTopic %s: %v", topic, err)
	}
	eventually(t, "the route of "+topic, func() bool {
		rd, err := cl.Route(ctx, topic)
		return err == nil && len(rd.QueueDatas) == 1 && rd.QueueDatas[0].WriteQueueNums == n
	})
}

// send sends m to queue q (negative: any) and fails the test on error.
func send(t *testing.T, cl *Client, m OutgoingMessage, q int) SendResult {
	t.Helper()
	opts := DefaultSendOptions()
	opts.QueueID = q
	res, err := cl.SendMessage(context.Background(), m, opts)
	if err != nil || res.Status != SendOK {
		t.Fatalf("send %q to %s: %+v %v", m.Body, m.Topic, res, err)
	}
	return res
}

func zlibBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var uniqKeyRE = regexp.MustCompile(`^[0-9A-F]{20}[0-9a-f]{12}$`)

func TestSendAndFind(t *testing.T) {
	c, cl := startCluster(t)
	ctx := context.Background()
	const topic = "FindTopic"
	createTopic(t, cl, topic, 2)

	first := send(t, cl, OutgoingMessage{Topic: topic, Body: []byte("first"), Tags: "TagA", Keys: []string{"order-1", "cust-9"},
		Properties: map[string]string{"shop": "saga"}}, 0)
	second := send(t, cl, OutgoingMessage{Topic: topic, Body: []byte("second"), Tags: "TagB", Keys: []string{"order-2", "cust-9"}}, 1)
	zipped := send(t, cl, OutgoingMessage{Topic: topic, Body: zlibBytes(t, []byte("big body")), Compressed: true, Flag: 7}, 1)
	// The broker's index finds first.MsgID both as this message's key
	// and as first's UNIQ_KEY; a query by key wants only the former.
	send(t, cl, OutgoingMessage{Topic: topic, Body: []byte("tricky"), Keys: []string{first.MsgID}}, 0)

	for _, r := range []SendResult{first, second, zipped} {
		if !uniqKeyRE.MatchString(r.MsgID) || r.BrokerName != "broker-a" || r.BrokerAddr != c.BrokerAddr {
			t.Errorf("send result %+v: want a Go-client UNIQ_KEY and broker-a at %s", r, c.BrokerAddr)
		}
	}
	if first.MsgID == second.MsgID {
		t.Fatalf("two sends got the same UNIQ_KEY %s", first.MsgID)
	}
	if first.QueueID != 0 || second.QueueID != 1 || second.QueueOffset != 0 || zipped.QueueOffset != 1 {
		t.Errorf("queues and offsets: %+v %+v %+v", first, second, zipped)
	}

	t.Run("view by offset id", func(t *testing.T) {
		m, err := cl.ViewMessage(ctx, first.OffsetMsgID)
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Body) != "first" || m.Topic != topic || m.MsgID() != first.MsgID || m.OffsetMsgID() != first.OffsetMsgID ||
			m.Property("shop") != "saga" || !slices.Equal(m.Keys(), []string{"order-1", "cust-9"}) ||
			m.Property(message.PropTags) != "TagA" || m.Property(message.PropWaitStoreMsgOK) != "true" {
			t.Errorf("viewed %+v", m)
		}
		z, err := cl.ViewMessage(ctx, zipped.OffsetMsgID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := z.InflatedBody()
		if err != nil || string(body) != "big body" || !z.Compressed() || z.Flag != 7 {
			t.Errorf("compressed message: body %q %v, sysFlag %d, flag %d", body, err, z.SysFlag, z.Flag)
		}
	})
	t.Run("by key, newest first", func(t *testing.T) {
		msgs, err := cl.QueryMessageByKey(ctx, topic, "cust-9", QueryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := bodies(msgs); !slices.Equal(got, []string{"second", "first"}) {
			t.Errorf("bodies %q, want second, first", got)
		}
		if msgs[0].BrokerName != "broker-a" {
			t.Errorf("broker name %q", msgs[0].BrokerName)
		}
	})
	t.Run("by key: a UNIQ_KEY is not a key", func(t *testing.T) {
		msgs, err := cl.QueryMessageByKey(ctx, topic, first.MsgID, QueryOptions{})
		if err != nil || !slices.Equal(bodies(msgs), []string{"tricky"}) {
			t.Errorf("got %q, %v; want only tricky", bodies(msgs), err)
		}
	})
	t.Run("by key outside the time range", func(t *testing.T) {
		msgs, err := cl.QueryMessageByKey(ctx, topic, "order-1", QueryOptions{Begin: time.Now().Add(time.Hour).UnixMilli()})
		if err != nil || len(msgs) != 0 {
			t.Errorf("got %q, %v; want nothing", bodies(msgs), err)
		}
	})
	t.Run("by unique key", func(t *testing.T) {
		m, err := cl.QueryMessageByUniqueKey(ctx, topic, second.MsgID)
		if err != nil || string(m.Body) != "second" {
			t.Errorf("got %q, %v", m.Body, err)
		}
		if _, err := cl.QueryMessageByUniqueKey(ctx, topic, "order-1"); !errors.Is(err, ErrMessageNotFound) {
			t.Errorf("a KEYS entry as unique key: %v, want ErrMessageNotFound", err)
		}
	})
	t.Run("consume", func(t *testing.T) {
		msgs, err := cl.ConsumeMessages(ctx, topic, DefaultConsumeOptions())
		if err != nil {
			t.Fatal(err)
		}
		if got := bodies(msgs); len(got) != 4 || got[0] != "first" || got[2] != "second" {
			t.Errorf("consumed %q, want queue 0 then queue 1", got)
		}
		opts := DefaultConsumeOptions()
		opts.QueueID, opts.Offset, opts.Count = 1, 1, 5
		msgs, err = cl.ConsumeMessages(ctx, topic, opts)
		if err != nil || len(msgs) != 1 || msgs[0].QueueOffset != 1 || msgs[0].QueueID != 1 {
			t.Errorf("queue 1 from offset 1: %d messages, %v", len(msgs), err)
		}
		opts = DefaultConsumeOptions()
		opts.Expression, opts.Count = "TagB || TagA", 1
		msgs, err = cl.ConsumeMessages(ctx, topic, opts)
		if err != nil || !slices.Equal(bodies(msgs), []string{"first"}) {
			t.Errorf("by tag, count 1: %q, %v", bodies(msgs), err)
		}
		opts.QueueID = 5
		if _, err := cl.ConsumeMessages(ctx, topic, opts); err == nil || !strings.Contains(err.Error(), "no read queue 5") {
			t.Errorf("queue 5: %v", err)
		}
	})
	t.Run("consume and commit", func(t *testing.T) {
		opts := DefaultConsumeOptions()
		opts.Group, opts.Commit, opts.Expression = "CommitGroup", true, "TagB"
		msgs, err := cl.ConsumeMessages(ctx, topic, opts)
		if err != nil || !slices.Equal(bodies(msgs), []string{"second"}) {
			t.Fatalf("consumed %q, %v", bodies(msgs), err)
		}
		cs, err := cl.ConsumerProgress(ctx, "CommitGroup", topic)
		if err != nil {
			t.Fatal(err)
		}
		// Queue 1 was read to its end; queue 0 holds no TagB message, so
		// its scan moved the position past both messages too.
		for _, q := range cs.Queues {
			if q.ConsumerOffset != 2 {
				t.Errorf("committed %+v, want offset 2", q)
			}
		}
	})
	t.Run("pull statuses", func(t *testing.T) {
		tests := []struct {
			name string
			req  PullRequest
			want remoting.ResponseCode
			next int64
		}{
			{"found", PullRequest{Offset: 0}, remoting.Success, 2},
			{"at the end", PullRequest{Offset: 2}, remoting.PullNotFound, 2},
			{"past the end", PullRequest{Offset: 9}, remoting.PullOffsetMoved, 2},
			{"nothing matches", PullRequest{Offset: 0, Expression: "TagZ"}, remoting.PullRetryImmediately, 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.req.Group, tt.req.Topic = "PullGroup", topic
				start := time.Now()
				res, err := cl.Pull(ctx, c.BrokerAddr, tt.req)
				if err != nil || res.Status != tt.want || res.NextBeginOffset != tt.next || res.MaxOffset != 2 {
					t.Errorf("pull: %v %+v; want %v next %d", err, res, tt.want, tt.next)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("pull took %v; it must not be held", d)
				}
			})
		}
		_, err := cl.Pull(ctx, c.BrokerAddr, PullRequest{Group: "PullGroup", Topic: "NoSuchTopic"})
		var re *remoting.ResponseError
		if !errors.As(err, &re) || re.Code != remoting.TopicNotExist {
			t.Errorf("pull of an unknown topic: %v", err)
		}
	})
}

func bodies(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Body)
	}
	return out
}

func TestSendErrors(t *testing.T) {
	c, cl := startCluster(t)
	ctx := context.Background()
	createTopic(t, cl, "SendErrTopic", 2)
	noAuto := DefaultSendOptions()
	noAuto.AutoCreate = false
	badQueue := DefaultSendOptions()
	badQueue.QueueID = 7
	tests := []struct {
		name     string
		msg      OutgoingMessage
		opts     SendOptions
		want     error
		wantCode remoting.ResponseCode
	}{
		{name: "no topic", msg: OutgoingMessage{Body: []byte("x")}, opts: DefaultSendOptions()},
		{name: "a delay level that is not a number", wantCode: remoting.MessageIllegal, opts: DefaultSendOptions(),
			msg: OutgoingMessage{Topic: "SendErrTopic", Body: []byte("x"), Properties: map[string]string{"DELAY": "soon"}}},
		{name: "a separator in a property", opts: DefaultSendOptions(),
			msg: OutgoingMessage{Topic: "SendErrTopic", Body: []byte("x"), Properties: map[string]string{"a": "b\x02c"}}},
		{name: "a queue the topic lacks", wantCode: remoting.SystemError, opts: badQueue,
			msg: OutgoingMessage{Topic: "SendErrTopic", Body: []byte("x")}},
		{name: "unknown topic without auto-creation", want: ErrTopicNotFound, opts: noAuto,
			msg: OutgoingMessage{Topic: "NotThere", Body: []byte("x")}},
		{name: "a system topic", wantCode: remoting.MessageIllegal, opts: SendOptions{BrokerAddr: c.BrokerAddr, AutoCreate: true},
			msg: OutgoingMessage{Topic: route.ScheduleTopic, Body: []byte("x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cl.SendMessage(ctx, tt.msg, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			var re *remoting.ResponseError
			if tt.wantCode != 0 && (!errors.As(err, &re) || re.Code != tt.wantCode) {
				t.Errorf("error %v, want response code %v", err, tt.wantCode)
			}
		})
	}

	// With auto-creation, a new topic goes through TBW102 and is created.
	res, err := cl.SendMessage(ctx, OutgoingMessage{Topic: "AutoCreated", Body: []byte("x")}, DefaultSendOptions())
	if err != nil || res.Status != SendOK || res.QueueID < 0 || res.QueueID >= autoCreateQueueNums {
		t.Fatalf("send to a new topic: %+v %v", res, err)
	}
	eventually(t, "the auto-created topic's route", func() bool { _, err := cl.Route(ctx, "AutoCreated"); return err == nil })
}

func TestParseOffsetMsgID(t *testing.T) {
	tests := []struct {
		id      string
		ok      bool
		host    string
		offset  int64
		comment string
	}{
		{id: "7F000001000051AF0000000000001000", ok: true, host: "127.0.0.1:20911", offset: 4096},
		{id: "7f000001000051af0000000000001000", ok: true, host: "127.0.0.1:20911", offset: 4096, comment: "lower case"},
		{id: "C00002027AFC000000006a09d4080001", comment: "a Go client UNIQ_KEY: pid where the port's high half is"},
		{id: "7F00000100000000000000000000100", comment: "31 digits"},
		{id: "7F000001000051AF000000000000100G", comment: "not hex"},
		{id: "7F0000010000000000000000000010000", comment: "33 digits"},
		{id: "7F000001000000000000000000001000", comment: "port 0"},
		{id: "7F000001000051AF8000000000001000", comment: "negative offset"},
		{id: "", comment: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.id+" "+tt.comment, func(t *testing.T) {
			host, off, err := ParseOffsetMsgID(tt.id)
			if !tt.ok {
				if !errors.Is(err, ErrBadMsgID) {
					t.Errorf("error %v, want ErrBadMsgID", err)
				}
				return
			}
			if err != nil || host.String() != tt.host || off != tt.offset {
				t.Errorf("got %v %d %v, want %s %d", host, off, err, tt.host, tt.offset)
			}
		})
	}
}

func TestUniqKeys(t *testing.T) {
	a, b := newUniqKeys(), newUniqKeys()
	now := time.Date(2024, 3, 2, 0, 0, 1, 0, time.Local)
	seen := map[string]bool{}
	for range 1000 {
		for _, k := range []string{a.next(now), b.next(now)} {
			if !uniqKeyRE.MatchString(k) {
				t.Fatalf("key %q is not in the Go client's layout", k)
			}
			if seen[k] {
				t.Fatalf("key %q made twice", k)
			}
			seen[k] = true
		}
	}
	k := a.next(now)
	// One day and one second into the month, in milliseconds.
	if ms, _ := strconv.ParseUint(k[20:28], 16, 32); ms != (86400+1)*1000 {
		t.Errorf("key %s has time field %d, want %d", k, ms, (86400+1)*1000)
	}
}

func FuzzParseOffsetMsgID(f *testing.F) {
	for _, s := range []string{"7F000001000051AF0000000000001000", "C00002027AFC000000006a09d4080001", "",
		"00000000000000000000000000000001000051AF0000000000001000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		host, off, err := ParseOffsetMsgID(id)
		if err != nil {
			if !errors.Is(err, ErrBadMsgID) {
				t.Fatalf("error %v does not wrap ErrBadMsgID", err)
			}
			return
		}
		if off < 0 || host.Port() == 0 {
			t.Fatalf("%q parsed to %v @ %d", id, host, off)
		}
		if len(id) == 32 {
			if back := message.OffsetMsgID(host, off); back != strings.ToUpper(id) {
				t.Fatalf("%q parsed to %v @ %d, which encodes as %q", id, host, off, back)
			}
		}
	})
}
