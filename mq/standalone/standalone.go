// Package standalone runs a NameServer and a Broker in one process, as
// `mqd standalone`, the shop's embedded mode and the tests do.
package standalone

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/namesrv"
	"github.com/sagashop/sagashop/mq/remoting"
)

// Options configure a Cluster.
type Options struct {
	// NamesrvListen is the NameServer's listen address; default "127.0.0.1:9876".
	NamesrvListen string
	// BrokerListen is the broker's listen address; default ":10911".
	BrokerListen string
	// Broker configures the broker. Its Config.NamesrvAddr is set to the
	// NameServer started here.
	Broker broker.Options
	// Namesrv configures the NameServer.
	Namesrv namesrv.Options
}

// Cluster is a running NameServer and Broker.
type Cluster struct {
	Namesrv     *namesrv.Server
	Broker      *broker.Broker
	NamesrvAddr string // where clients find routes, "ip:port"
	BrokerAddr  string // the broker's advertised address

	wg   sync.WaitGroup
	once sync.Once
}

// Start opens the broker's store (recovering it if needed) and only then
// listens on both addresses, so no client connects to a broker that is
// not ready.
func Start(opts Options) (*Cluster, error) {
	if opts.NamesrvListen == "" {
		opts.NamesrvListen = "127.0.0.1:9876"
	}
	if opts.BrokerListen == "" {
		opts.BrokerListen = ":10911"
	}
	log := opts.Namesrv.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	nsLn, err := net.Listen("tcp", opts.NamesrvListen)
	if err != nil {
		return nil, fmt.Errorf("standalone: namesrv listen: %w", err)
	}
	bo := opts.Broker
	bo.Config.NamesrvAddr = dialable(nsLn.Addr())
	b, err := broker.New(bo)
	if err != nil {
		nsLn.Close()
		return nil, err
	}
	brLn, err := net.Listen("tcp", opts.BrokerListen)
	if err != nil {
		nsLn.Close()
		b.Close()
		return nil, fmt.Errorf("standalone: broker listen: %w", err)
	}
	ns, err := namesrv.New(opts.Namesrv)
	if err != nil {
		nsLn.Close()
		brLn.Close()
		b.Close()
		return nil, err
	}
	c := &Cluster{Namesrv: ns, Broker: b, NamesrvAddr: bo.Config.NamesrvAddr}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := ns.Serve(nsLn); err != nil && !errors.Is(err, remoting.ErrServerClosed) {
			log.Error("standalone: namesrv stopped", "err", err)
		}
	}()
	if err := b.Start(brLn); err != nil {
		brLn.Close()
		b.Close()
		ns.Close()
		c.wg.Wait()
		return nil, err
	}
	c.BrokerAddr = b.Addr()
	return c, nil
}

// dialable turns a listen address into one a client can dial: an
// unspecified host becomes 127.0.0.1.
func dialable(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if ta.IP == nil || ta.IP.IsUnspecified() {
		return fmt.Sprintf("127.0.0.1:%d", ta.Port)
	}
	return ta.String()
}

// Close stops the broker (flushing its store) and then the NameServer.
func (c *Cluster) Close() error {
	var err error
	c.once.Do(func() {
		err = errors.Join(c.Broker.Close(), c.Namesrv.Close())
		c.wg.Wait()
	})
	return err
}
