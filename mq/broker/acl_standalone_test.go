package broker_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
)

func TestACLStandalone(t *testing.T) {
	rlog.SetLogLevel("error")
	dir := t.TempDir()
	file := filepath.Join(dir, "acl.yml")
	os.WriteFile(file, []byte("accounts:\n  - accessKey: producer1\n    secretKey: secret-p1\n    defaultTopicPerm: PUB\n    defaultGroupPerm: SUB\n"), 0o600)
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = filepath.Join(dir, "store")
	bo.Config.AclEnable = true
	bo.ACLFile = file
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: bo})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, cred := range []primitive.Credentials{{AccessKey: "producer1", SecretKey: "secret-p1"}, {AccessKey: "producer1", SecretKey: "wrong-secret"}, {}} {
		opts := []producer.Option{producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr})), producer.WithRetry(1),
			producer.WithInstanceName("ovl" + string(rune('a'+i)))}
		if cred.AccessKey != "" {
			opts = append(opts, producer.WithCredentials(cred))
		}
		p, _ := rocketmq.NewProducer(opts...)
		p.Start()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := p.SendSync(ctx, primitive.NewMessage("orders", []byte("x")))
		cancel()
		p.Shutdown()
		if (i == 0) != (err == nil) || i > 0 && !strings.Contains(err.Error(), "CODE: 16") {
			t.Errorf("producer %d: %v", i, err)
		}
	}
	// A bad file fails New.
	bo.ACLFile = filepath.Join(dir, "absent.yml")
	if _, err := broker.New(bo); err == nil || !strings.Contains(err.Error(), "absent.yml") {
		t.Errorf("New with a missing ACL file: %v", err)
	}
}
