// Package broker implements the RocketMQ broker role: it stores messages
// through package store and serves the request codes the official clients
// send, one file per request-code family.
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// Broker serves producers, consumers and admin tools. Create it with New,
// start it with Start and stop it with Close.
type Broker struct {
	opts Options
	cfg  conf.Broker
	log  *slog.Logger

	store   store.MessageStore
	topics  *topicTable
	groups  *groupTable
	offsets *offsetTable
	clients *clientManager
	polls   *longPoll
	sched   *scheduler
	trans   *transactions
	locks   *lockTable
	reg     *registrar
	server  *remoting.Server

	storeHost netip.AddrPort // the advertised address, written into every record
	addr      string
	uniq      *uniqKeys

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// New opens the broker's store and tables under the configured store root
// and creates the system topics. It does not listen yet.
func New(opts Options) (*Broker, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Broker{opts: opts, cfg: opts.Config, log: opts.Logger.With("broker", opts.Config.BrokerName)}
	root := opts.Config.StorePathRootDir
	if b.topics, err = openTopicTable(root); err != nil {
		return nil, err
	}
	if b.groups, err = openGroupTable(root); err != nil {
		return nil, err
	}
	if b.offsets, err = openOffsetTable(root); err != nil {
		return nil, err
	}
	b.clients = newClientManager()
	b.polls = newLongPoll(b)
	b.store = opts.Store
	if b.store == nil {
		so, err := storeOptions(opts.Config, filepath.Join(root, "store"))
		if err != nil {
			return nil, err
		}
		so.Logger = b.log
		so.OnDispatch = b.polls.notify
		if b.store, err = store.Open(so); err != nil {
			return nil, fmt.Errorf("broker: open store: %w", err)
		}
	}
	if err := b.createSystemTopics(); err != nil {
		b.store.Close()
		return nil, err
	}
	levels, err := opts.Config.DelayLevels()
	if err != nil {
		b.store.Close()
		return nil, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	if b.sched, err = newScheduler(b, levels); err != nil {
		b.store.Close()
		return nil, err
	}
	if b.trans, err = openTransactions(b); err != nil {
		b.store.Close()
		return nil, err
	}
	b.locks = newLockTable()
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b, nil
}

// createSystemTopics creates the topics the broker owns (Java's
// TopicConfigManager constructor). TBW102 exists only while
// autoCreateTopicEnable is on, since clients auto-create through it.
func (b *Broker) createSystemTopics() error {
	rw := route.PermRead | route.PermWrite
	want := []route.TopicConfig{
		route.NewTopicConfig(route.SelfTestTopic, 1, rw),
		route.NewTopicConfig(route.ScheduleTopic, 18, rw),
		route.NewTopicConfig(route.TraceTopic, 1, rw),
		route.NewTopicConfig(route.TransHalfTopic, 1, rw),
		route.NewTopicConfig(route.TransOpHalfTopic, 1, rw),
		route.NewTopicConfig(b.cfg.BrokerClusterName+route.ReplyTopicSuffix, 1, rw),
		route.NewTopicConfig(b.cfg.BrokerClusterName, 16, route.PermRead|route.PermWrite|route.PermInherit),
		route.NewTopicConfig(b.cfg.BrokerName, 1, route.PermRead|route.PermWrite|route.PermInherit),
	}
	if b.cfg.AutoCreateTopicEnable {
		n := b.cfg.DefaultTopicQueueNums
		want = append(want, route.NewTopicConfig(route.DefaultTopic, n, route.PermRead|route.PermWrite|route.PermInherit))
	} else if _, err := b.topics.remove(route.DefaultTopic); err != nil {
		return err
	}
	for _, tc := range want {
		if _, _, err := b.topics.createIfAbsent(tc); err != nil {
			return err
		}
	}
	return nil
}

// Start serves on ln and begins registering with the NameServers. The
// advertised address is brokerIP1 (or the listener's address, or the first
// non-loopback IPv4 address) with the listener's port.
func (b *Broker) Start(ln net.Listener) error {
	host, err := advertisedHost(b.cfg.BrokerIP1, ln.Addr())
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	b.storeHost = netip.AddrPortFrom(host, uint16(port))
	b.addr = b.storeHost.String()
	b.uniq = newUniqKeys(host)
	b.server = remoting.NewServer(b.withACLFile(b.mux(), b.opts.ACLFile), remoting.ServerOptions{
		Conn:    remoting.ConnOptions{Logger: b.log},
		OnClose: b.connClosed,
	})
	b.reg = newRegistrar(b)
	// Register once before returning, so that routes (TBW102 among them)
	// exist as soon as Start does; the loop then keeps them fresh.
	if err := b.reg.registerAll(); err != nil {
		b.log.Warn("broker: first registration with namesrv failed; retrying in the background", "err", err)
	}
	b.goFunc(func() {
		if err := b.server.Serve(ln); err != nil && !errors.Is(err, remoting.ErrServerClosed) {
			b.log.Error("broker: serve failed", "err", err)
		}
	})
	b.goFunc(b.reg.run)
	b.goFunc(b.polls.run)
	b.goFunc(b.maintain)
	b.goFunc(b.sched.run)
	b.goFunc(b.runTransactionCheck)
	b.log.Info("broker started", "addr", b.addr, "cluster", b.cfg.BrokerClusterName, "namesrv", b.cfg.NamesrvAddr)
	return nil
}

// Addr is the advertised "ip:port" clients reach the broker at.
func (b *Broker) Addr() string { return b.addr }

func (b *Broker) goFunc(f func()) {
	b.wg.Add(1)
	go func() { defer b.wg.Done(); f() }()
}

// maintain persists offsets and drops silent clients until Close.
func (b *Broker) maintain() {
	persist := time.NewTicker(b.opts.PersistInterval)
	defer persist.Stop()
	scan := time.NewTicker(b.opts.ScanInterval)
	defer scan.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-persist.C:
			if err := b.offsets.persist(); err != nil {
				b.log.Error("broker: persist offsets", "err", err)
			}
		case <-scan.C:
			for _, c := range b.clients.expired(b.now(), b.opts.ClientExpiry) {
				b.log.Info("broker: closing silent client", "remote", c.RemoteAddr())
				c.Close()
			}
		}
	}
}

// Close unregisters from the NameServers, stops serving, persists the
// offsets and closes the store, flushing it.
func (b *Broker) Close() error {
	var errs []error
	b.once.Do(func() {
		if b.reg != nil {
			b.reg.unregister()
		}
		b.cancel()
		if b.server != nil {
			errs = append(errs, b.server.Close())
		}
		b.wg.Wait()
		errs = append(errs, b.offsets.persist(), b.store.Close())
		b.log.Info("broker stopped")
	})
	return errors.Join(errs...)
}

func (b *Broker) now() time.Time { return time.Now() }

// ensureTopic creates a topic with n queues and perm unless it exists, and
// registers a new one with the NameServers at once.
func (b *Broker) ensureTopic(name string, n, perm int) (route.TopicConfig, error) {
	tc, created, err := b.topics.createIfAbsent(route.NewTopicConfig(name, n, perm))
	if err != nil {
		return tc, err
	}
	if created {
		b.log.Info("topic created", "topic", name, "queues", n, "perm", perm)
		b.triggerRegister()
	}
	return tc, nil
}

func (b *Broker) triggerRegister() {
	if b.reg != nil {
		b.reg.trigger()
	}
}

// advertisedHost picks the address written into records and routes.
func advertisedHost(brokerIP1 string, ln net.Addr) (netip.Addr, error) {
	if brokerIP1 != "" {
		a, err := netip.ParseAddr(brokerIP1)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("%w: brokerIP1 %q: %w", ErrInvalidOptions, brokerIP1, err)
		}
		return a.Unmap(), nil
	}
	if ta, ok := ln.(*net.TCPAddr); ok {
		if a, ok := netip.AddrFromSlice(ta.IP); ok && !a.IsUnspecified() {
			return a.Unmap(), nil
		}
	}
	return firstIPv4(), nil
}

// firstIPv4 returns the first non-loopback IPv4 address of this host, as
// Java's broker does, falling back to 127.0.0.1.
func firstIPv4() netip.Addr {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok {
				ip = ip.Unmap()
				if ip.Is4() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() {
					return ip
				}
			}
		}
	}
	return netip.AddrFrom4([4]byte{127, 0, 0, 1})
}
