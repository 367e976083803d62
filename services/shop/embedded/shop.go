package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-kratos/kratos/v2"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
	"github.com/sagashop/sagashop/pkg/redisx"
)

// URLs says where the running shop listens.
type URLs struct {
	Order, Inventory, Payment string // HTTP base URLs
	Namesrv, Broker           string // host:port
	Redis                     string // host:port of the in-process server
}

// Shop is a running embedded shop. Close stops it.
type Shop struct {
	URLs           URLs
	PaymentTimeout time.Duration // delay level 16 of the broker's table

	cluster   *standalone.Cluster
	stopRedis func()
	services  []*service // in start order
	closeOnce sync.Once
	closeErr  error
}

// service is one running kratos app and what it must release.
type service struct {
	name    string
	app     *kratos.App
	cleanup func()
	done    chan error // receives app.Run's result
}

// Start starts the broker, the Redis-protocol server and the three
// services, and returns once every HTTP server answers /healthz. On error
// everything already started is stopped.
func Start(ctx context.Context, o Options) (*Shop, error) {
	o, timeout, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded: data dir: %w", err)
	}
	s := &Shop{PaymentTimeout: timeout}
	if err := s.startInfra(o); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	for _, spec := range serviceSpecs(o, s.URLs, timeout) {
		if err := s.startService(ctx, spec); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	return s, nil
}

// startInfra starts the broker and the Redis-protocol server.
func (s *Shop) startInfra(o Options) error {
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = filepath.Join(o.DataDir, "mq")
	bo.Config.MessageDelayLevel = o.DelayLevels
	bo.Logger = slog.New(slog.DiscardHandler)
	c, err := standalone.Start(standalone.Options{
		NamesrvListen: o.addr(o.NamesrvPort),
		BrokerListen:  o.addr(o.BrokerPort),
		Broker:        bo,
	})
	if err != nil {
		return fmt.Errorf("embedded: broker: %w", err)
	}
	s.cluster = c
	addr, stop, err := redisx.StartInProcess()
	if err != nil {
		return fmt.Errorf("embedded: redis: %w", err)
	}
	s.stopRedis = stop
	s.URLs = URLs{
		Order:     "http://" + o.addr(o.OrderHTTPPort),
		Inventory: "http://" + o.addr(o.InventoryHTTPPort),
		Payment:   "http://" + o.addr(o.PaymentHTTPPort),
		Namesrv:   c.NamesrvAddr,
		Broker:    c.BrokerAddr,
		Redis:     addr,
	}
	return nil
}

// startService builds one service, runs it and waits for its /healthz.
func (s *Shop) startService(ctx context.Context, spec serviceSpec) error {
	app, cleanup, err := spec.build()
	if err != nil {
		return fmt.Errorf("embedded: %s: %w", spec.name, err)
	}
	svc := &service{name: spec.name, app: app, cleanup: cleanup, done: make(chan error, 1)}
	s.services = append(s.services, svc)
	go func() { svc.done <- app.Run() }()
	if err := waitHealthy(ctx, spec.healthURL, svc.done); err != nil {
		return fmt.Errorf("embedded: %s: %w", spec.name, err)
	}
	return nil
}

// waitHealthy polls url until it answers 200, the app exits, or 30s pass.
func waitHealthy(ctx context.Context, url string, done chan error) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-done:
			done <- err // Close reads it again
			return fmt.Errorf("stopped before it was healthy: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("%s not healthy: %w", url, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close stops the services in reverse order (each stops consuming before
// it closes its database), then the broker and the Redis-protocol server.
func (s *Shop) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for i := len(s.services) - 1; i >= 0; i-- {
			svc := s.services[i]
			if err := svc.app.Stop(); err != nil {
				errs = append(errs, fmt.Errorf("embedded: stop %s: %w", svc.name, err))
			}
			if err := <-svc.done; err != nil && !errors.Is(err, context.Canceled) {
				errs = append(errs, fmt.Errorf("embedded: %s: %w", svc.name, err))
			}
			svc.cleanup()
		}
		if s.cluster != nil {
			if err := s.cluster.Close(); err != nil {
				errs = append(errs, fmt.Errorf("embedded: broker: %w", err))
			}
		}
		if s.stopRedis != nil {
			s.stopRedis()
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
