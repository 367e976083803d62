package kit

import (
	"errors"
	"fmt"

	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/env"
	"google.golang.org/protobuf/proto"
)

// LoadConfig reads the YAML document doc into dst, a generated conf proto.
// With useEnv, ${NAME:default} placeholders in doc are resolved from the
// process environment (kratos resolves them against every source's keys,
// and the env source's keys are the variable names); without it they take
// their defaults. Unknown keys are ignored, as kratos does.
func LoadConfig(doc []byte, useEnv bool, dst proto.Message) error {
	if len(doc) == 0 {
		return errors.New("kit: config: empty document")
	}
	sources := []config.Source{bytesSource(doc)}
	if useEnv {
		sources = append(sources, env.NewSource())
	}
	c := config.New(config.WithSource(sources...))
	defer c.Close()
	if err := c.Load(); err != nil {
		return fmt.Errorf("kit: config: load: %w", err)
	}
	if err := c.Scan(dst); err != nil {
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

func (w *idleWatcher) Next() ([]*config.KeyValue, error) {
	<-w.stop
	return nil, errors.New("kit: config: watcher stopped")
}

func (w *idleWatcher) Stop() error {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	return nil
}
