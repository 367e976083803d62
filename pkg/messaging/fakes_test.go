package messaging

import (
	"context"
	"sync"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// fakeTxClient stands in for the client's transaction producer: it runs
// the listener as the client does, without a broker, so the adapter's
// logic runs under the race detector.
type fakeTxClient struct {
	listener primitive.TransactionListener
	status   primitive.SendStatus
	sendErr  error
	// beforeLocal and afterLocal, when set, run around the local
	// transaction with the message sent (say, to check back).
	beforeLocal, afterLocal func(m *primitive.Message)

	mu    sync.Mutex
	ended []primitive.LocalTransactionState // what END_TRANSACTION would carry
}

func (f *fakeTxClient) Start() error    { return nil }
func (f *fakeTxClient) Shutdown() error { return nil }

func (f *fakeTxClient) SendMessageInTransaction(_ context.Context, m *primitive.Message) (*primitive.TransactionSendResult, error) {
	if f.sendErr != nil {
		return nil, f.sendErr
	}
	state := primitive.RollbackMessageState
	if f.status == primitive.SendOK {
		if f.beforeLocal != nil {
			f.beforeLocal(m)
		}
		state = f.listener.ExecuteLocalTransaction(m)
		if f.afterLocal != nil {
			f.afterLocal(m)
		}
	}
	f.mu.Lock()
	f.ended = append(f.ended, state)
	f.mu.Unlock()
	return &primitive.TransactionSendResult{SendResult: &primitive.SendResult{Status: f.status}, State: state}, nil
}

// halfOf returns the message a check-back for m would carry.
func halfOf(m *primitive.Message) *primitive.MessageExt {
	me := &primitive.MessageExt{MsgId: "uniq"}
	me.Topic, me.Body, me.Queue = m.Topic, m.Body, &primitive.MessageQueue{}
	me.WithProperties(m.GetProperties())
	return me
}

// fakePushConsumer stands in for the client's push consumer: deliver
// calls the callback of a topic as the client's consume goroutines do.
type fakePushConsumer struct {
	mu        sync.Mutex
	callbacks map[string]func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error)
	started   bool
	suspended bool
	shutdowns int
	startErr  error
	hang      chan struct{} // when set, Shutdown blocks until it is closed
}

func (f *fakePushConsumer) Start() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = true
	return f.startErr
}

func (f *fakePushConsumer) Shutdown() error {
	f.mu.Lock()
	f.shutdowns++
	hang := f.hang
	f.mu.Unlock()
	if hang != nil {
		<-hang // a client committing offsets to a broker that is down
	}
	return nil
}

func (f *fakePushConsumer) Subscribe(topic string, _ consumer.MessageSelector,
	cb func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.callbacks == nil {
		f.callbacks = map[string]func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error){}
	}
	f.callbacks[topic] = cb
	return nil
}

func (f *fakePushConsumer) Unsubscribe(string) error { return nil }
func (f *fakePushConsumer) Suspend()                 { f.mu.Lock(); f.suspended = true; f.mu.Unlock() }
func (f *fakePushConsumer) Resume()                  {}

func (f *fakePushConsumer) GetOffsetDiffMap() map[string]int64 { return nil }

// deliver runs topic's callback with a message of body.
func (f *fakePushConsumer) deliver(topic, body string) consumer.ConsumeResult {
	f.mu.Lock()
	cb := f.callbacks[topic]
	f.mu.Unlock()
	me := &primitive.MessageExt{MsgId: body}
	me.Topic, me.Body, me.Queue = topic, []byte(body), &primitive.MessageQueue{}
	res, _ := cb(context.Background(), me)
	return res
}
