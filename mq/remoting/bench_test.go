package remoting

import (
	"context"
	"net"
	"testing"
)

// sendMessageHeader is a SEND_MESSAGE header as rocketmq-client-go v2.1.2
// writes it (jsoniter, client field order, 13 ext fields, \u0001 and
// \u0002 inside properties).
const sendMessageHeader = `{"code":10,"language":"GO","version":317,"opaque":1234,"flag":0,"remark":"",` +
	`"extFields":{"producerGroup":"please_rename_unique_group_name","topic":"TopicTest","defaultTopic":"TBW102",` +
	`"defaultTopicQueueNums":"4","queueId":"1","sysFlag":"0","bornTimestamp":"1700000000123","flag":"0",` +
	`"properties":"TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001C00002027AFC000000006a09d4080001\u0002WAIT\u0001true\u0002",` +
	`"reconsumeTimes":"0","unitMode":"false","maxReconsumeTimes":"0","batch":"false"}}`

// sendMessageCommand is the Command sendMessageHeader decodes to.
func sendMessageCommand() *Command {
	return &Command{
		Code: 10, Language: "GO", Version: 317, Opaque: 1234, Serialize: JSON,
		ExtFields: map[string]string{
			"producerGroup": "please_rename_unique_group_name", "topic": "TopicTest", "defaultTopic": "TBW102",
			"defaultTopicQueueNums": "4", "queueId": "1", "sysFlag": "0", "bornTimestamp": "1700000000123", "flag": "0",
			"properties":     "TAGS\x01TagA\x02KEYS\x01k1 k2\x02UNIQ_KEY\x01C00002027AFC000000006a09d4080001\x02WAIT\x01true\x02",
			"reconsumeTimes": "0", "unitMode": "false", "maxReconsumeTimes": "0", "batch": "false",
		},
	}
}

func BenchmarkDecodeJSONHeader(b *testing.B) {
	hdr := []byte(sendMessageHeader)
	b.SetBytes(int64(len(hdr)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeJSONHeader(hdr); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendFrame(b *testing.B) {
	cmds := []struct {
		name string
		cmd  *Command
	}{
		{"send-json", sendMessageCommand()},
		{"send-rocketmq", func() *Command { c := sendMessageCommand(); c.Serialize = RocketMQ; return c }()},
	}
	for _, tc := range cmds {
		b.Run(tc.name, func(b *testing.B) {
			tc.cmd.Body = make([]byte, 256)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := AppendFrame(nil, tc.cmd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRoundTrip(b *testing.B) {
	mux := NewMux()
	mux.Handle(SendMessage, func(c *Conn, req *Command) *Command {
		resp := NewResponse(req, Success, "")
		resp.ExtFields["msgId"] = "7F00000100002A9F0000000000000000"
		resp.ExtFields["queueId"] = req.Ext("queueId")
		resp.ExtFields["queueOffset"] = "42"
		return resp
	})
	srv := NewServer(mux, ServerOptions{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	c, err := Dial(context.Background(), ln.Addr().String(), nil, ConnOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	body := make([]byte, 512)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := sendMessageCommand() // Invoke encodes it before returning
		req.Body = body
		for pb.Next() {
			resp, err := c.Invoke(context.Background(), req)
			if err != nil {
				b.Error(err)
				return
			}
			if resp.Code != int16(Success) {
				b.Errorf("code %d", resp.Code)
				return
			}
		}
	})
}
