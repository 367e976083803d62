package kit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-kratos/kratos/v2/config"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// LoadConfig reads the YAML document doc into dst, a generated conf proto.
// google.protobuf.Duration fields take Go durations ("30m", "1h30m",
// "250ms") as well as protojson's seconds ("1800s").
// With useEnv, ${NAME:default} placeholders in doc are resolved from the
// process environment; without it they take their defaults. Unknown keys
// are ignored, as kratos does.
func LoadConfig(doc []byte, useEnv bool, dst proto.Message) error {
	if len(doc) == 0 {
		return errors.New("kit: config: empty document")
	}
	c := config.New(config.WithSource(bytesSource(doc)), config.WithResolver(envResolver(useEnv)))
	defer c.Close()
	if err := c.Load(); err != nil {
		return fmt.Errorf("kit: config: load: %w", err)
	}
	var tree map[string]any
	if err := c.Scan(&tree); err != nil {
		return fmt.Errorf("kit: config: scan: %w", err)
	}
	if err := normalizeDurations(tree, dst.ProtoReflect().Descriptor(), ""); err != nil {
		return fmt.Errorf("kit: config: %w", err)
	}
	raw, err := json.Marshal(tree)
	if err != nil {
		return fmt.Errorf("kit: config: %w", err)
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("kit: config: scan into %T: %w", dst, err)
	}
	return nil
}

// bytesSource is a config.Source holding one YAML document in memory.
type bytesSource []byte

func (b bytesSource) Load() ([]*config.KeyValue, error) {
	return []*config.KeyValue{{Key: "config.yaml", Value: b, Format: "yaml"}}, nil
}

func (b bytesSource) Watch() (config.Watcher, error) {
	return &idleWatcher{stop: make(chan struct{})}, nil
}

// idleWatcher never reports a change; Next blocks until Stop.
type idleWatcher struct{ stop chan struct{} }

// Next returns context.Canceled after Stop: that is what ends kratos'
// watch loop quietly.
func (w *idleWatcher) Next() ([]*config.KeyValue, error) {
	<-w.stop
	return nil, context.Canceled
}

func (w *idleWatcher) Stop() error {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	return nil
}
