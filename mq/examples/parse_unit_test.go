package examples

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// The parsers and the output collector are tested on lines the examples
// really printed, so that a verdict never rests on a regexp that matches
// nothing.

func TestSendResults(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		wantMsgIDs []string
		wantOffIDs []string
	}{
		{"single", "send message success: result=SendResult [sendStatus=0, msgIds=C00002025448000000006a3c71100001, " +
			"offsetMsgId=7F00000100002A9F0000000000000000, queueOffset=0, messageQueue=MessageQueue [topic=test, brokerName=broker-a, queueId=1]]",
			[]string{"C00002025448000000006a3c71100001"}, []string{"7F00000100002A9F0000000000000000"}},
		{"batch", "send message success: result=SendResult [sendStatus=0, msgIds=, offsetMsgId=7F00000100002A9F0000000000000A26," +
			"7F00000100002A9F0000000000000AF1, queueOffset=4, messageQueue=MessageQueue [topic=test, brokerName=broker-a, queueId=1]]",
			nil, []string{"7F00000100002A9F0000000000000A26", "7F00000100002A9F0000000000000AF1"}},
		{"error", "send message error: CODE: 1, DESC: no permission", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := sendResults([]line{{text: tt.text}})
			if tt.wantOffIDs == nil {
				if len(rs) != 0 {
					t.Fatalf("got %+v, want no result", rs)
				}
				return
			}
			if len(rs) != 1 || rs[0].status != 0 || !reflect.DeepEqual(rs[0].msgIDs, tt.wantMsgIDs) || !reflect.DeepEqual(rs[0].offsetIDs, tt.wantOffIDs) {
				t.Fatalf("got %+v, want msgIds %v offsetMsgIds %v", rs, tt.wantMsgIDs, tt.wantOffIDs)
			}
		})
	}
}

func TestParseMsgs(t *testing.T) {
	const ext = `[Message=[topic=TopicTest, body=h1-tag-0-TagA, Flag=0, properties=map[CONSUME_START_TIME:1 TAGS:TagA ` +
		`UNIQ_KEY:C0000202], TransactionId=], MsgId=C0000202, OffsetMsgId=7F00000100002A9F00000000000097B2,QueueId=5, ` +
		`StoreSize=190, QueueOffset=4, SysFlag=0, BornTimestamp=1, BornHost=127.0.0.1:35138, StoreTimestamp=1, ` +
		`StoreHost=127.0.0.1:10911, CommitLogOffset=38834, BodyCRC=1, ReconsumeTimes=3, PreparedTransactionOffset=0]`
	want := printed{body: "h1-tag-0-TagA", msgID: "C0000202", offsetID: "7F00000100002A9F00000000000097B2", tags: "TagA", queue: 5, reconsume: 3}
	tests := []struct {
		name string
		text string
		want []printed
	}{
		{"one", "subscribe callback: " + ext + " ", []printed{want}},
		{"slice", "subscribe callback: [" + ext + " " + ext + "] ", []printed{want, want}},
		{"no newline before the next print", "msg ReconsumeTimes > 5. msg: " + ext + "subscribe callback len: 1 ", []printed{want}},
		{"none", "Consumer Started.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseMsgs(line{text: tt.text}); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestOutputLines(t *testing.T) {
	o, err := newOutput(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("one\ntw"))
	o.Write([]byte("o\r\nunterminated"))
	text := func() []string {
		lines, _ := o.snapshot()
		var out []string
		for _, l := range lines {
			out = append(out, l.text)
		}
		return out
	}
	if got := text(); !reflect.DeepEqual(got, []string{"one", "two"}) {
		t.Fatalf("before the idle flush: %q", got)
	}
	time.Sleep(2 * idleFlush)
	if got := text(); !reflect.DeepEqual(got, []string{"one", "two", "unterminated"}) {
		t.Fatalf("after the idle flush: %q", got)
	}
	o.Write([]byte("last"))
	o.close()
	if got := text(); !reflect.DeepEqual(got, []string{"one", "two", "unterminated", "last"}) {
		t.Fatalf("after close: %q", got)
	}
}
