package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// txChildEnv, when set to a JSON txChildSpec, makes the test binary run
// runTxChild instead of the tests (see TestMain): a transaction producer
// in a process of its own, which a test can lose abruptly.
const txChildEnv = "MQ_INTEGRATION_TX_CHILD"

// txChildSpec tells the child where and what to send.
type txChildSpec struct {
	Namesrv string   `json:"namesrv"`
	Broker  string   `json:"broker"`
	Group   string   `json:"group"`
	Topic   string   `json:"topic"`
	Bodies  []string `json:"bodies"`
}

// txChildListener answers unknown to everything and dies, without an
// answer, in the local transaction of the body last.
type txChildListener struct{ last string }

func (l txChildListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	if string(m.Body) == l.last {
		fmt.Printf("half %s %s\n", m.Body, m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex))
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // never answer
	}
	return txUnknown
}

func (l txChildListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	fmt.Printf("check %s\n", m.Body)
	return txUnknown
}

// runTxChild sends one half message per body. The local transaction of
// every body but the last stays unknown; before the last one answers at
// all, once the broker lists this producer, the process SIGKILLs itself.
// It reports on stdout, one line each: "half <body> <UNIQ_KEY>",
// "check <body>", "registered", "error <text>". It returns only on error.
func runTxChild(spec string) int {
	rlog.SetLogLevel("fatal")
	var s txChildSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil || len(s.Bodies) == 0 {
		fmt.Printf("error bad spec %q: %v\n", spec, err)
		return 2
	}
	last := s.Bodies[len(s.Bodies)-1]
	p, err := rocketmq.NewTransactionProducer(txChildListener{last: last},
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{s.Namesrv})),
		producer.WithRetry(2),
		producer.WithGroupName(s.Group),
		producer.WithInstanceName(fmt.Sprintf("txchild-%d", os.Getpid())),
	)
	if err == nil {
		err = p.Start()
	}
	if err != nil {
		fmt.Printf("error start: %v\n", err)
		return 2
	}
	send := func(b string) bool {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := p.SendMessageInTransaction(ctx, primitive.NewMessage(s.Topic, []byte(b)))
		if err != nil || res.Status != primitive.SendOK {
			fmt.Printf("error send %s: %v %v\n", b, res, err)
			return false
		}
		fmt.Printf("half %s %s\n", b, res.MsgID)
		return true
	}
	for _, b := range s.Bodies[:len(s.Bodies)-1] {
		if !send(b) {
			return 2
		}
	}
	// The producer heartbeats a second after Start; only then can the
	// broker lose it when the process dies.
	if !eventually(10*time.Second, func() bool {
		ids, err := producerClientIDs(s.Broker, s.Group)
		return err == nil && len(ids) > 0
	}) {
		fmt.Println("error the broker never listed this producer")
		return 2
	}
	fmt.Println("registered")
	send(last)
	fmt.Println("error still alive after the last half message")
	return 2
}
