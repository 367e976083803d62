package namesrv

import (
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// Server is a NameServer: a RouteTable served over the remoting protocol,
// plus the loop that expires silent brokers.
type Server struct {
	opts  Options
	log   *slog.Logger
	table *RouteTable
	mux   *remoting.Mux
	rs    *remoting.Server

	mu        sync.Mutex
	scanning  bool // the scan loop was started; guarded by mu
	closed    bool // guarded by mu
	quit      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// New returns a Server with opts; zero fields take DefaultOptions' values.
func New(opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:  opts,
		log:   opts.Logger,
		table: NewRouteTable(),
		mux:   remoting.NewMux(),
		quit:  make(chan struct{}),
	}
	s.mux.Handle(remoting.RegisterBroker, s.registerBroker)
	s.mux.Handle(remoting.UnregisterBroker, s.unregisterBroker)
	s.mux.Handle(remoting.GetRouteInfoByTopic, s.routeInfo)
	s.mux.Handle(remoting.GetBrokerClusterInfo, s.clusterInfo)
	s.mux.Handle(remoting.GetAllTopicListFromNameserver, s.allTopicList)
	s.mux.Handle(remoting.GetTopicsByCluster, s.topicsByCluster)
	s.mux.Handle(remoting.GetSystemTopicListFromNS, s.systemTopicList)
	s.mux.Handle(remoting.DeleteTopicInNamesrv, s.deleteTopic)
	s.rs = remoting.NewServer(s.mux, remoting.ServerOptions{
		Conn:    remoting.ConnOptions{Logger: opts.Logger},
		OnClose: s.connClosed,
	})
	return s, nil
}

// Handler is the request dispatcher, for serving without a listener.
func (s *Server) Handler() remoting.Handler { return s.mux }

// Table is the route table the server serves.
func (s *Server) Table() *RouteTable { return s.table }

// Serve starts the expiry loop and serves connections from ln until Close.
// It blocks, and returns remoting.ErrServerClosed after Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if !s.closed && !s.scanning {
		s.scanning = true
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.scanLoop() }()
	}
	s.mu.Unlock()
	return s.rs.Serve(ln)
}

// Close stops the expiry loop and the remoting server, closing every
// connection, and waits for their goroutines. It is safe to call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.quit)
		s.closeErr = s.rs.Close()
		s.wg.Wait()
	})
	return s.closeErr
}

func (s *Server) scanLoop() {
	t := time.NewTicker(s.opts.ScanInterval)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			s.expire()
		}
	}
}

// expire removes the brokers not registered within BrokerExpiry.
func (s *Server) expire() {
	for _, b := range s.table.Expire(s.opts.Now().Add(-s.opts.BrokerExpiry)) {
		s.log.Info("namesrv: broker expired", brokerAttrs(b, "after", s.opts.BrokerExpiry)...)
	}
}

// connClosed removes the brokers registered over c, as Java does when a
// broker's channel closes.
func (s *Server) connClosed(c *remoting.Conn) {
	for _, b := range s.table.RemoveConn(c.ID()) {
		s.log.Info("namesrv: broker connection closed, broker removed", brokerAttrs(b, "remote", c.RemoteAddr().String())...)
	}
}

func brokerAttrs(b Broker, extra ...any) []any {
	return append([]any{"cluster", b.Cluster, "broker", b.Name, "id", b.ID, "addr", b.Addr}, extra...)
}
