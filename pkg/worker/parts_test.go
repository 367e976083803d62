package worker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
	"github.com/sagashop/sagashop/pkg/db"
)

func TestNewCreatesTopicsAndParts(t *testing.T) {
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = t.TempDir()
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: bo})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	gdb, err := db.Open(db.Options{Driver: db.DriverSQLite, DSN: t.TempDir() + "/w.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ns := []string{c.NamesrvAddr}
	p, err := New(ctx, Options{
		Service: "svc", NameServers: ns, Topics: []string{"worker_a", "worker_b"}, TopicQueues: 2,
		ProducerGroup: "worker-producer", ConsumerGroup: "worker-consumer", SendTimeout: time.Second,
		MaxReconsumeTimes: 3, DB: gdb, RelayPoll: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Producer == nil || p.Relay == nil || p.Consumer == nil {
		t.Fatalf("parts = %+v", p)
	}
	cl, err := admin.New(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, topic := range []string{"worker_a", "worker_b"} {
		rd, err := cl.Route(ctx, topic)
		if err != nil || len(rd.QueueDatas) != 1 || rd.QueueDatas[0].WriteQueueNums != 2 {
			t.Fatalf("route of %s: %+v, %v", topic, rd, err)
		}
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(context.Background(), Options{Service: "svc", Topics: []string{"t"}}); !errors.Is(err, ErrBadOptions) {
		t.Fatalf("no DB: %v", err)
	}
	gdb, err := db.Open(db.Options{Driver: db.DriverSQLite, DSN: t.TempDir() + "/w.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// Nothing listens on port 1: the topics cannot be created, and the
	// error names the service and the topics.
	_, err = New(ctx, Options{Service: "svc", NameServers: []string{"127.0.0.1:1"}, Topics: []string{"t"}, DB: gdb})
	if err == nil || !strings.Contains(err.Error(), "svc: topics [t]") {
		t.Fatalf("err = %v", err)
	}
}
