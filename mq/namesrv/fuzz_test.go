package namesrv

import (
	"testing"

	"github.com/sagashop/sagashop/mq/remoting"
)

// FuzzRegisterBroker feeds arbitrary registration bodies and broker
// addresses to the handler. Whatever it accepts must come back out as
// routes the Go client's parser reads without panicking, with the
// registered address intact.
func FuzzRegisterBroker(f *testing.F) {
	f.Add(addrA, []byte(`{"topicConfigTable":{"T":{"topicName":"T","readQueueNums":4,"writeQueueNums":4,"perm":6}},"dataVersion":{"timestamp":1,"counter":1}}`))
	f.Add(addrA, []byte(`{"topicConfigTable":{}}`))
	f.Add("[::1]:10911", []byte(`{"topicConfigTable":{"":{},"a\"b":{"perm":7}}}`))
	f.Add(addrA, []byte(`{"topicConfigTable":null}`))
	f.Add(addrA, []byte(``))
	f.Add("x", []byte(`[`))
	f.Fuzz(func(t *testing.T, brokerAddr string, body []byte) {
		s, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		req := remoting.NewRequest(remoting.RegisterBroker, brokerExt("c", "broker-a", "0", brokerAddr), body)
		resp := s.Handler().Serve(nil, req)
		switch remoting.ResponseCode(resp.Code) {
		case remoting.Success:
		case remoting.SystemError:
			return
		default:
			t.Fatalf("code %s", remoting.ResponseCode(resp.Code))
		}
		for _, topic := range s.Table().Topics() {
			rd, ok := s.Table().Route(topic)
			if !ok {
				t.Fatalf("listed topic %q has no route", topic)
			}
			b, err := rd.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			_, bds, err := clientDecodeRoute(string(b))
			if err != nil {
				t.Fatalf("client decode of %s: %v", b, err)
			}
			if len(bds) != 1 || bds[0].BrokerAddresses[0] != brokerAddr {
				t.Fatalf("client read broker datas %+v from %s, want address %q", deref(bds), b, brokerAddr)
			}
		}
	})
}
