package namesrv

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// fakeClock is an injectable Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// startServer serves a NameServer on a loopback port and returns its
// address; the server is closed when the test ends.
func startServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-served; !errors.Is(err, remoting.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return s, ln.Addr().String()
}

func dial(t *testing.T, addr string) *remoting.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := remoting.Dial(ctx, addr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); c.Wait() })
	return c
}

func invoke(t *testing.T, c *remoting.Conn, code remoting.RequestCode, ext map[string]string, body []byte) *remoting.Command {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.Invoke(ctx, remoting.NewRequest(code, ext, body))
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return resp
}

func brokerExt(cluster, name, id, addr string) map[string]string {
	return map[string]string{"clusterName": cluster, "brokerName": name, "brokerId": id, "brokerAddr": addr,
		"haServerAddr": "127.0.0.1:10912", "compressed": "false"}
}

func registerBody(t *testing.T, table map[string]route.TopicConfig) []byte {
	t.Helper()
	b, err := json.Marshal(route.RegisterBrokerBody{TopicConfigTable: table, DataVersion: route.DataVersion{Timestamp: 1, Counter: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func registerOver(t *testing.T, c *remoting.Conn, name, addr string, table map[string]route.TopicConfig) {
	t.Helper()
	resp := invoke(t, c, remoting.RegisterBroker, brokerExt(route.DefaultClusterName, name, "0", addr), registerBody(t, table))
	if err := resp.Err(); err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestServerRouteOverTCP(t *testing.T) {
	_, addr := startServer(t, Options{})
	c := dial(t, addr)
	acl := map[string]string{"AccessKey": "ak", "Signature": "sig", "SecurityToken": "tok"}
	withACL := func(ext map[string]string) map[string]string {
		for k, v := range acl {
			ext[k] = v
		}
		return ext
	}

	resp := invoke(t, c, remoting.RegisterBroker, withACL(brokerExt(route.DefaultClusterName, "broker-a", "0", addrA)), registerBody(t, topics(4, "T")))
	if resp.Code != int16(remoting.Success) || !resp.IsResponse() {
		t.Fatalf("register = %v %q", resp, resp.Remark)
	}

	tests := []struct {
		name       string
		code       remoting.RequestCode
		ext        map[string]string
		wantCode   remoting.ResponseCode
		wantRemark string
		wantBody   string
	}{
		{
			name: "route", code: remoting.GetRouteInfoByTopic, ext: withACL(map[string]string{"topic": "T"}),
			wantBody: routeTa,
		},
		{
			name: "unknown topic", code: remoting.GetRouteInfoByTopic, ext: map[string]string{"topic": "nope"},
			wantCode: remoting.TopicNotExist, wantRemark: "No topic route info in name server for the topic: nope",
		},
		{
			name: "TBW102 not registered", code: remoting.GetRouteInfoByTopic, ext: map[string]string{"topic": route.DefaultTopic},
			wantCode: remoting.TopicNotExist, wantRemark: "No topic route info in name server for the topic: TBW102",
		},
		{
			name: "all topics", code: remoting.GetAllTopicListFromNameserver,
			wantBody: `{"topicList":["T"],"brokerAddr":null}`,
		},
		{
			name: "topics by cluster", code: remoting.GetTopicsByCluster, ext: map[string]string{"cluster": route.DefaultClusterName},
			wantBody: `{"topicList":["T"],"brokerAddr":null}`,
		},
		{
			name: "system topics", code: remoting.GetSystemTopicListFromNS,
			wantBody: `{"topicList":["DefaultCluster","broker-a"],"brokerAddr":"127.0.0.1:10911"}`,
		},
		{
			name: "cluster info", code: remoting.GetBrokerClusterInfo,
			wantBody: `{"brokerAddrTable":{"broker-a":{"cluster":"DefaultCluster","brokerName":"broker-a","brokerAddrs":{"0":"127.0.0.1:10911"}}},` +
				`"clusterAddrTable":{"DefaultCluster":["broker-a"]}}`,
		},
		{
			name: "unsupported code", code: remoting.SendMessage,
			wantCode: remoting.RequestCodeNotSupported,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := invoke(t, c, tt.code, tt.ext, nil)
			if remoting.ResponseCode(resp.Code) != tt.wantCode {
				t.Fatalf("code = %s (%q), want %s", remoting.ResponseCode(resp.Code), resp.Remark, tt.wantCode)
			}
			if tt.wantRemark != "" && resp.Remark != tt.wantRemark {
				t.Errorf("remark = %q, want %q", resp.Remark, tt.wantRemark)
			}
			if tt.wantBody != "" && string(resp.Body) != tt.wantBody {
				t.Errorf("body:\n got %s\nwant %s", resp.Body, tt.wantBody)
			}
		})
	}

	// Delete, then the topic is gone until the broker registers it again.
	if resp := invoke(t, c, remoting.DeleteTopicInNamesrv, withACL(map[string]string{"topic": "T"}), nil); resp.Err() != nil {
		t.Fatalf("delete: %v", resp.Err())
	}
	if resp := invoke(t, c, remoting.GetRouteInfoByTopic, map[string]string{"topic": "T"}, nil); remoting.ResponseCode(resp.Code) != remoting.TopicNotExist {
		t.Errorf("route after delete: %s", remoting.ResponseCode(resp.Code))
	}
	registerOver(t, c, "broker-a", addrA, topics(4, "T"))
	if resp := invoke(t, c, remoting.GetRouteInfoByTopic, map[string]string{"topic": "T"}, nil); string(resp.Body) != routeTa {
		t.Errorf("route after re-registration: %s %s", remoting.ResponseCode(resp.Code), resp.Body)
	}

	// Unregister over the wire.
	if resp := invoke(t, c, remoting.UnregisterBroker, brokerExt(route.DefaultClusterName, "broker-a", "0", addrA), nil); resp.Err() != nil {
		t.Fatalf("unregister: %v", resp.Err())
	}
	if resp := invoke(t, c, remoting.GetAllTopicListFromNameserver, nil, nil); string(resp.Body) != `{"topicList":[],"brokerAddr":null}` {
		t.Errorf("topic list after unregister: %s", resp.Body)
	}
}

func TestServerSlaveRegistrationReply(t *testing.T) {
	_, addr := startServer(t, Options{})
	c := dial(t, addr)
	registerOver(t, c, "broker-a", addrA, topics(4, "T"))
	resp := invoke(t, c, remoting.RegisterBroker, brokerExt(route.DefaultClusterName, "broker-a", "1", addrA1), nil)
	if resp.Err() != nil {
		t.Fatal(resp.Err())
	}
	if resp.Ext("masterAddr") != addrA || resp.Ext("haServerAddr") != "127.0.0.1:10912" {
		t.Errorf("slave reply ext = %v, want the master's addresses", resp.ExtFields)
	}
	resp = invoke(t, c, remoting.GetRouteInfoByTopic, map[string]string{"topic": "T"}, nil)
	if string(resp.Body) != routeTaSlave {
		t.Errorf("route:\n got %s\nwant %s", resp.Body, routeTaSlave)
	}
}

func TestServerConnectionCloseRemovesBroker(t *testing.T) {
	s, addr := startServer(t, Options{})
	client := dial(t, addr)
	brokerA, brokerB := dial(t, addr), dial(t, addr)
	registerOver(t, brokerA, "broker-a", addrA, topics(4, "T"))
	registerOver(t, brokerB, "broker-b", addrB, topics(8, "T"))
	if resp := invoke(t, client, remoting.GetRouteInfoByTopic, map[string]string{"topic": "T"}, nil); string(resp.Body) != routeTab {
		t.Fatalf("route with both brokers:\n got %s\nwant %s", resp.Body, routeTab)
	}

	brokerB.Close()
	waitFor(t, "broker-b to leave", func() bool { return len(s.Table().Brokers()) == 1 })
	if resp := invoke(t, client, remoting.GetRouteInfoByTopic, map[string]string{"topic": "T"}, nil); string(resp.Body) != routeTa {
		t.Errorf("route after broker-b's connection closed:\n got %s\nwant %s", resp.Body, routeTa)
	}
	brokerA.Close()
	waitFor(t, "broker-a to leave", func() bool { return len(s.Table().Brokers()) == 0 })
	if got := s.Table().Topics(); len(got) != 0 {
		t.Errorf("topics left: %q", got)
	}
}

func TestServerExpiry(t *testing.T) {
	clock := &fakeClock{now: t0}
	s, addr := startServer(t, Options{BrokerExpiry: 120 * time.Second, ScanInterval: time.Millisecond, Now: clock.Now})
	c := dial(t, addr)
	registerOver(t, c, "broker-a", addrA, topics(4, "T"))
	clock.Advance(60 * time.Second)
	registerOver(t, c, "broker-b", addrB, topics(4, "T"))

	clock.Advance(61 * time.Second) // broker-a silent for 121 s, broker-b for 61 s
	waitFor(t, "broker-a to expire", func() bool { return len(s.Table().Brokers()) == 1 })
	if resp := invoke(t, c, remoting.GetRouteInfoByTopic, map[string]string{"topic": "T"}, nil); string(resp.Body) != routeTb {
		t.Errorf("route after expiry:\n got %s\nwant %s", resp.Body, routeTb)
	}
	clock.Advance(60 * time.Second)
	waitFor(t, "broker-b to expire", func() bool { return len(s.Table().Brokers()) == 0 })
}

func TestHandlerBadRequests(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good := brokerExt(route.DefaultClusterName, "broker-a", "0", addrA)
	without := func(key string) map[string]string {
		ext := map[string]string{}
		for k, v := range good {
			if k != key {
				ext[k] = v
			}
		}
		return ext
	}
	with := func(key, value string) map[string]string {
		ext := without(key)
		ext[key] = value
		return ext
	}
	tests := []struct {
		name       string
		code       remoting.RequestCode
		ext        map[string]string
		body       string
		wantCode   remoting.ResponseCode
		wantRemark string // a substring
	}{
		{"register without brokerAddr", remoting.RegisterBroker, without("brokerAddr"), "", remoting.SystemError, "brokerAddr"},
		{"register without brokerName", remoting.RegisterBroker, without("brokerName"), "", remoting.SystemError, "brokerName"},
		{"register without brokerId", remoting.RegisterBroker, without("brokerId"), "", remoting.SystemError, "brokerId"},
		{"register without clusterName", remoting.RegisterBroker, without("clusterName"), "", remoting.SystemError, "clusterName"},
		{"register with a bad brokerId", remoting.RegisterBroker, with("brokerId", "x"), "", remoting.SystemError, `brokerId "x"`},
		{"register with a negative brokerId", remoting.RegisterBroker, with("brokerId", "-1"), "", remoting.SystemError, "brokerId"},
		{"register with a bad address", remoting.RegisterBroker, with("brokerAddr", "nohost"), "", remoting.SystemError, "host:port"},
		{"register with a comma in the address", remoting.RegisterBroker, with("brokerAddr", "a,b:1"), "", remoting.SystemError, "cannot parse"},
		{"register with a bad body", remoting.RegisterBroker, good, "{", remoting.SystemError, "RegisterBrokerBody"},
		{"register heartbeat", remoting.RegisterBroker, good, "", remoting.Success, ""},
		{"register with a body without a table", remoting.RegisterBroker, good, `{"dataVersion":{"timestamp":1,"counter":2}}`, remoting.Success, ""},
		{"unregister without brokerId", remoting.UnregisterBroker, without("brokerId"), "", remoting.SystemError, "brokerId"},
		{"unregister unknown", remoting.UnregisterBroker, with("brokerName", "nope"), "", remoting.Success, ""},
		{"route without topic", remoting.GetRouteInfoByTopic, nil, "", remoting.SystemError, "topic"},
		{"delete without topic", remoting.DeleteTopicInNamesrv, nil, "", remoting.SystemError, "topic"},
		{"delete unknown topic", remoting.DeleteTopicInNamesrv, map[string]string{"topic": "nope"}, "", remoting.Success, ""},
		{"topics by cluster without cluster", remoting.GetTopicsByCluster, nil, "", remoting.SystemError, "cluster"},
		{"unsupported", remoting.PullMessage, nil, "", remoting.RequestCodeNotSupported, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := remoting.NewRequest(tt.code, tt.ext, []byte(tt.body))
			req.Opaque = 42
			resp := s.Handler().Serve(nil, req)
			if remoting.ResponseCode(resp.Code) != tt.wantCode {
				t.Fatalf("code = %s (%q), want %s", remoting.ResponseCode(resp.Code), resp.Remark, tt.wantCode)
			}
			if !strings.Contains(resp.Remark, tt.wantRemark) {
				t.Errorf("remark %q lacks %q", resp.Remark, tt.wantRemark)
			}
			if resp.Opaque != 42 || !resp.IsResponse() {
				t.Errorf("response opaque %d flag %d", resp.Opaque, resp.Flag)
			}
		})
	}
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{"zero", Options{}, false},
		{"defaults", DefaultOptions(), false},
		{"negative expiry", Options{BrokerExpiry: -1}, true},
		{"negative scan interval", Options{ScanInterval: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.opts)
			if tt.wantErr {
				if !errors.Is(err, ErrBadOptions) {
					t.Fatalf("New error = %v, want ErrBadOptions", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.opts.BrokerExpiry != 120*time.Second || s.opts.ScanInterval != 10*time.Second || s.opts.Now == nil || s.opts.Logger == nil {
				t.Errorf("defaults not applied: %+v", s.opts)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close before Serve: %v", err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Serve(ln); !errors.Is(err, remoting.ErrServerClosed) {
				t.Errorf("Serve after Close = %v, want ErrServerClosed", err)
			}
		})
	}
}
