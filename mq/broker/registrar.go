package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// registrar keeps the broker registered with every NameServer: at start,
// every RegisterInterval, and at once after a topic change. It holds one
// connection per NameServer, since a NameServer forgets a broker whose
// registering connection closes.
type registrar struct {
	b     *Broker
	kick  chan struct{}
	now   chan chan error           // registerNow's requests, answered by run
	conns map[string]*remoting.Conn // used by Start's first registration, then only by run
}

func newRegistrar(b *Broker) *registrar {
	return &registrar{b: b, kick: make(chan struct{}, 1), now: make(chan chan error), conns: map[string]*remoting.Conn{}}
}

func (r *registrar) trigger() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *registrar) run() {
	t := time.NewTicker(r.b.opts.RegisterInterval)
	defer t.Stop()
	defer r.closeConns()
	for {
		select {
		case <-r.b.ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		case done := <-r.now:
			done <- r.registerAll()
			continue
		}
		if err := r.registerAll(); err != nil {
			r.b.log.Warn("broker: register with namesrv failed", "err", err)
		}
	}
}

// registerNow registers with every NameServer and waits for the result,
// so that an admin change is routable when its reply is sent.
func (r *registrar) registerNow(ctx context.Context) error {
	done := make(chan error, 1)
	select {
	case r.now <- done:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.b.ctx.Done():
		return r.b.ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *registrar) closeConns() {
	for addr, c := range r.conns {
		c.Close()
		delete(r.conns, addr)
	}
}

func (r *registrar) ext() map[string]string {
	return map[string]string{
		"brokerAddr":  r.b.addr,
		"brokerName":  r.b.cfg.BrokerName,
		"brokerId":    strconv.FormatInt(r.b.cfg.BrokerID, 10),
		"clusterName": r.b.cfg.BrokerClusterName,
	}
}

// registerAll registers with every NameServer and returns the failures.
func (r *registrar) registerAll() error {
	topics, version := r.b.topics.snapshot()
	body, err := json.Marshal(route.RegisterBrokerBody{TopicConfigTable: topics, DataVersion: version})
	if err != nil {
		return fmt.Errorf("broker: encode registration: %w", err)
	}
	var errs []error
	for _, addr := range r.b.cfg.NamesrvAddrs() {
		if err := r.register(addr, body); err != nil {
			errs = append(errs, fmt.Errorf("namesrv %s: %w", addr, err))
		}
	}
	return errors.Join(errs...)
}

func (r *registrar) conn(ctx context.Context, addr string) (*remoting.Conn, error) {
	if c := r.conns[addr]; c != nil {
		select {
		case <-c.Done():
		default:
			return c, nil
		}
	}
	c, err := remoting.Dial(ctx, addr, nil, remoting.ConnOptions{IdleTimeout: -1, Logger: r.b.log})
	if err != nil {
		return nil, err
	}
	r.conns[addr] = c
	return c, nil
}

func (r *registrar) register(addr string, body []byte) error {
	ctx, cancel := context.WithTimeout(r.b.ctx, 3*time.Second)
	defer cancel()
	c, err := r.conn(ctx, addr)
	if err != nil {
		return err
	}
	resp, err := c.Invoke(ctx, remoting.NewRequest(remoting.RegisterBroker, r.ext(), body))
	if err != nil {
		c.Close()
		return err
	}
	return resp.Err()
}

// unregister tells every NameServer the broker is leaving. It opens its
// own short connections, so it is safe to call while run is active.
func (r *registrar) unregister() {
	for _, addr := range r.b.cfg.NamesrvAddrs() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := remoting.Dial(ctx, addr, nil, remoting.ConnOptions{})
		if err == nil {
			_, err = c.Invoke(ctx, remoting.NewRequest(remoting.UnregisterBroker, r.ext(), nil))
			c.Close()
		}
		cancel()
		if err != nil {
			r.b.log.Warn("broker: unregister from namesrv failed", "namesrv", addr, "err", err)
		}
	}
}
