package messaging

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
)

// TestEnsureTopics needs no RocketMQ client, so it runs under -race too.
func TestEnsureTopics(t *testing.T) {
	c := testCluster(t)
	ns := []string{c.NamesrvAddr}
	a, b := uniqName("ensure_a"), uniqName("ensure_b")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tests := []struct {
		name   string
		topics []string
		queues int
		want   map[string]int // topic -> write queues afterwards
	}{
		{"create", []string{a}, 2, map[string]int{a: 2}},
		{"again is a no-op", []string{a}, 2, map[string]int{a: 2}},
		{"existing keeps its queues", []string{a, b}, 0, map[string]int{a: 2, b: DefaultQueues}},
		{"nothing", nil, 1, nil},
	}
	cl, err := admin.New(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := EnsureTopics(ctx, ns, tt.topics, tt.queues); err != nil {
				t.Fatal(err)
			}
			for topic, queues := range tt.want {
				rd, err := cl.Route(ctx, topic)
				if err != nil {
					t.Fatalf("route of %s: %v", topic, err)
				}
				if len(rd.QueueDatas) != 1 || rd.QueueDatas[0].WriteQueueNums != queues {
					t.Errorf("%s routed as %+v, want one broker with %d queues", topic, rd.QueueDatas, queues)
				}
			}
		})
	}
}

func TestEnsureTopicsErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	tests := []struct {
		name   string
		ns     []string
		topics []string
	}{
		{"no name servers", nil, []string{"t"}},
		{"bad topic", []string{"127.0.0.1:1"}, []string{"a/b"}},
		{"name server down", []string{"127.0.0.1:1"}, []string{"t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := EnsureTopics(ctx, tt.ns, tt.topics, 1); !errors.Is(err, ErrTopics) {
				t.Errorf("error = %v, want ErrTopics", err)
			}
		})
	}
}
