package acl

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/sagashop/sagashop/mq/remoting"
)

// docSignature is the vector of rocketmq-protocol.md §5.10: AK RocketMQ,
// SK 12345678, ext {topic: nsx%TopicTest} signs "RocketMQnsx%TopicTest".
const docSignature = "/igZetFFL+A+PU3BHOhE7sgtxjw="

func TestSign(t *testing.T) {
	tests := []struct {
		name string
		ext  map[string]string
		body []byte
		want string
	}{
		{"doc vector", map[string]string{"topic": "nsx%TopicTest", "AccessKey": "RocketMQ"}, nil, docSignature},
		{"Signature is not signed", map[string]string{"topic": "nsx%TopicTest", "AccessKey": "RocketMQ", "Signature": "x"}, nil, docSignature},
		{"SecurityToken is not signed", map[string]string{"topic": "nsx%TopicTest", "AccessKey": "RocketMQ", "SecurityToken": "tok"}, nil, docSignature},
		{"empty body is no body", map[string]string{"topic": "nsx%TopicTest", "AccessKey": "RocketMQ"}, []byte{}, docSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign("12345678", tt.ext, tt.body); got != tt.want {
				t.Fatalf("Sign = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSignCoversEverything(t *testing.T) {
	base := map[string]string{"AccessKey": "RocketMQ", "a": "1", "b": "2"}
	ref := Sign("12345678", base, []byte("body"))
	variants := []struct {
		name string
		sk   string
		ext  map[string]string
		body []byte
	}{
		{"secret", "12345679", base, []byte("body")},
		{"body", "12345678", base, []byte("bodY")},
		{"value", "12345678", map[string]string{"AccessKey": "RocketMQ", "a": "1", "b": "3"}, []byte("body")},
		{"access key", "12345678", map[string]string{"AccessKey": "RocketMQ2", "a": "1", "b": "2"}, []byte("body")},
		{"extra field", "12345678", map[string]string{"AccessKey": "RocketMQ", "a": "1", "b": "2", "c": "x"}, []byte("body")},
		{"order", "12345678", map[string]string{"AccessKey": "RocketMQ", "a": "2", "b": "1"}, []byte("body")},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			if Sign(v.sk, v.ext, v.body) == ref {
				t.Fatalf("changing the %s kept the signature", v.name)
			}
		})
	}
}

// TestSignLeavesKeysOut pins a weakness of the protocol, not of Sign: keys
// are not signed, so an added empty field, or a value split differently
// between neighbouring keys, keeps the signature. Handlers must not give
// such fields a meaning that matters for access control.
func TestSignLeavesKeysOut(t *testing.T) {
	ref := Sign("12345678", map[string]string{"AccessKey": "RocketMQ", "a": "12", "b": "3"}, nil)
	for name, ext := range map[string]map[string]string{
		"empty field": {"AccessKey": "RocketMQ", "a": "12", "b": "3", "c": ""},
		"split moved": {"AccessKey": "RocketMQ", "a": "1", "b": "23"},
	} {
		if Sign("12345678", ext, nil) != ref {
			t.Errorf("%s: signature changed; the protocol note in TestSignLeavesKeysOut is stale", name)
		}
	}
}

func TestVerifyVariants(t *testing.T) {
	goExt := func() map[string]string {
		return map[string]string{"AccessKey": "RocketMQ", "topic": "T", "SecurityToken": "tok"}
	}
	withSig := func(ext map[string]string, sig string) map[string]string {
		ext["Signature"] = sig
		return ext
	}
	javaUniq := map[string]string{"AccessKey": "RocketMQ", "topic": "T", "_UNIQUE_KEY_QUERY": "true"}
	tests := []struct {
		name string
		ext  map[string]string
		want bool
	}{
		{"go client leaves the token out", withSig(goExt(), Sign("12345678", goExt(), nil)), true},
		{"java signs the token", withSig(goExt(), signJava("12345678", goExt(), nil)), true},
		{"java leaves _UNIQUE_KEY_QUERY out", withSig(javaUniq, Sign("12345678", map[string]string{"AccessKey": "RocketMQ", "topic": "T"}, nil)), true},
		{"missing signature", goExt(), false},
		{"empty signature", withSig(goExt(), ""), false},
		{"wrong secret", withSig(goExt(), Sign("87654321", goExt(), nil)), false},
		{"truncated", withSig(goExt(), Sign("12345678", goExt(), nil)[:27]), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verify("12345678", tt.ext, nil); got != tt.want {
				t.Fatalf("verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSignMatchesOfficialClient runs the official producer with
// credentials against a fake NameServer and checks the signature of the
// GET_ROUTEINFO_BY_TOPIC request it sends.
func TestSignMatchesOfficialClient(t *testing.T) {
	rlog.SetLogLevel("error")
	got := make(chan *remoting.Command, 16)
	srv := remoting.NewServer(remoting.HandlerFunc(func(c *remoting.Conn, req *remoting.Command) *remoting.Command {
		select {
		case got <- req:
		default:
		}
		return remoting.Errorf(req, remoting.TopicNotExist, "no route info of this topic: %s", req.Ext("topic"))
	}), remoting.ServerOptions{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	p, err := rocketmq.NewProducer(
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{ln.Addr().String()})),
		producer.WithCredentials(primitive.Credentials{AccessKey: "RocketMQ", SecretKey: "12345678"}),
		producer.WithNamespace("nsx"),
		producer.WithRetry(1),
		producer.WithInstanceName(fmt.Sprintf("acl-sign-%d-%d", os.Getpid(), time.Now().UnixNano())),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.SendSync(ctx, primitive.NewMessage("TopicTest", []byte("hi"))); err == nil {
		t.Fatal("SendSync succeeded without a route")
	}

	var req *remoting.Command
	for req == nil {
		select {
		case r := <-got:
			if remoting.RequestCode(r.Code) == remoting.GetRouteInfoByTopic {
				req = r
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the producer sent no GET_ROUTEINFO_BY_TOPIC")
		}
	}
	if req.Ext("topic") != "nsx%TopicTest" || req.Ext(AccessKeyField) != "RocketMQ" {
		t.Fatalf("captured ext %v, want topic nsx%%TopicTest and AccessKey RocketMQ", req.ExtFields)
	}
	sig := req.Ext(SignatureField)
	if want := Sign("12345678", req.ExtFields, req.Body); sig != want {
		t.Fatalf("client Signature %q, Sign %q (ext %v)", sig, want, req.ExtFields)
	}
	// The request is exactly the doc's vector: topic, AccessKey, Signature.
	if len(req.ExtFields) != 3 || sig != docSignature {
		t.Fatalf("client ext %v, want only topic, AccessKey and Signature %q", req.ExtFields, docSignature)
	}
	if !verify("12345678", req.ExtFields, req.Body) {
		t.Fatal("verify refused the client's signature")
	}
}
