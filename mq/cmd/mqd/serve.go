package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/namesrv"
	"github.com/sagashop/sagashop/mq/standalone"
)

// brokerFlags are the flags shared by `standalone` and `broker`: a
// broker.conf file, then individual settings that override it.
type brokerFlags struct {
	confFile   string
	store      string
	delayTable string
	flushType  string
	brokerIP   string
	logLevel   string
	aclFile    string
	sets       multiFlag

	inMemoryWindow int64
}

// multiFlag collects repeated -set key=value flags.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (f *brokerFlags) register(fs *flag.FlagSet, defaultStore string) {
	fs.StringVar(&f.confFile, "c", "", "broker.conf `file` in RocketMQ's key=value format")
	fs.StringVar(&f.store, "store", defaultStore, "store root `dir` (storePathRootDir); overrides the config file")
	fs.StringVar(&f.delayTable, "message-delay-level", "", "delay `table`, e.g. \"1s 5s 10s ...\" (messageDelayLevel)")
	fs.StringVar(&f.flushType, "flush-disk-type", "", "ASYNC_FLUSH or SYNC_FLUSH (flushDiskType)")
	fs.StringVar(&f.brokerIP, "broker-ip", "", "advertised IPv4 `address` (brokerIP1)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&f.aclFile, "acl-file", "", "plain_acl.yml `file` used with aclEnable=true (default <store>/config/plain_acl.yml)")
	fs.Int64Var(&f.inMemoryWindow, "in-memory-window", 0, "`bytes` of CommitLog behind which a new group no longer starts at offset 0 (default 4 GiB; negative: never)")
	fs.Var(&f.sets, "set", "any broker.conf `key=value`; repeatable")
}

// config loads the file and applies the flags over it.
func (f *brokerFlags) config(stderr io.Writer) (conf.Broker, error) {
	cfg := conf.Default()
	if f.confFile != "" {
		c, warnings, err := conf.LoadFile(f.confFile)
		for _, w := range warnings {
			fmt.Fprintln(stderr, "mqd: warning:", w)
		}
		if err != nil {
			return cfg, err
		}
		cfg = c
	}
	set := func(key, value string) error {
		if value == "" {
			return nil
		}
		if err := cfg.Set(key, value); err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		return nil
	}
	for _, kv := range []struct{ k, v string }{
		{"storePathRootDir", f.store}, {"messageDelayLevel", f.delayTable},
		{"flushDiskType", f.flushType}, {"brokerIP1", f.brokerIP},
	} {
		if err := set(kv.k, kv.v); err != nil {
			return cfg, err
		}
	}
	for _, s := range f.sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return cfg, fmt.Errorf("%w: -set %q is not key=value", errUsage, s)
		}
		if err := set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return cfg, err
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%w: %w", errUsage, err)
	}
	return cfg, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: -log-level %q", errUsage, level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// signals catches SIGINT and SIGTERM from the start of a command, so a
// signal that arrives while the servers start still shuts them down
// cleanly instead of killing the process.
type signals struct {
	ctx  context.Context
	stop context.CancelFunc
}

func catchSignals() signals {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	return signals{ctx, stop}
}

// wait blocks until SIGINT or SIGTERM.
func (s signals) wait(log *slog.Logger) {
	defer s.stop()
	<-s.ctx.Done()
	log.Info("signal received, shutting down")
}

func runStandalone(args []string, stderr io.Writer) error {
	sig := catchSignals()
	defer sig.stop()
	fs := flag.NewFlagSet("mqd standalone", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var bf brokerFlags
	bf.register(fs, "data/mq")
	nsListen := fs.String("namesrv-listen", "127.0.0.1:9876", "NameServer listen `address`")
	brListen := fs.String("broker-listen", "", "broker listen `address` (default \":<listenPort>\", i.e. :10911)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := bf.config(stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(bf.logLevel, stderr)
	if err != nil {
		return err
	}
	if *brListen == "" {
		*brListen = ":" + strconv.Itoa(cfg.ListenPort)
	}
	bo := broker.DefaultOptions()
	bo.Config, bo.Logger, bo.ACLFile = cfg, log, bf.aclFile
	if bf.inMemoryWindow != 0 {
		bo.InMemoryWindow = bf.inMemoryWindow
	}
	c, err := standalone.Start(standalone.Options{
		NamesrvListen: *nsListen, BrokerListen: *brListen, Broker: bo,
		Namesrv: namesrv.Options{Logger: log.With("role", "namesrv")},
	})
	if err != nil {
		return err
	}
	log.Info("mqd standalone ready", "namesrv", c.NamesrvAddr, "broker", c.BrokerAddr, "store", cfg.StorePathRootDir)
	sig.wait(log)
	return c.Close()
}

func runNamesrv(args []string, stderr io.Writer) error {
	sig := catchSignals()
	defer sig.stop()
	fs := flag.NewFlagSet("mqd namesrv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", ":9876", "listen `address`")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := newLogger(*logLevel, stderr)
	if err != nil {
		return err
	}
	ns, err := namesrv.New(namesrv.Options{Logger: log.With("role", "namesrv")})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	log.Info("mqd namesrv ready", "listen", ln.Addr().String())
	go func() { _ = ns.Serve(ln) }()
	sig.wait(log)
	return ns.Close()
}

func runBroker(args []string, stderr io.Writer) error {
	sig := catchSignals()
	defer sig.stop()
	fs := flag.NewFlagSet("mqd broker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var bf brokerFlags
	bf.register(fs, "")
	nsAddr := fs.String("namesrv", "", "NameServer `addresses`, ';'-separated (namesrvAddr)")
	listen := fs.String("listen", "", "listen `address` (default \":<listenPort>\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *nsAddr != "" {
		bf.sets = append(bf.sets, "namesrvAddr="+*nsAddr)
	}
	cfg, err := bf.config(stderr)
	if err != nil {
		return err
	}
	if len(cfg.NamesrvAddrs()) == 0 {
		return fmt.Errorf("%w: no NameServer: give -namesrv or namesrvAddr in the config file", errUsage)
	}
	log, err := newLogger(bf.logLevel, stderr)
	if err != nil {
		return err
	}
	if *listen == "" {
		*listen = ":" + strconv.Itoa(cfg.ListenPort)
	}
	bo := broker.DefaultOptions()
	bo.Config, bo.Logger, bo.ACLFile = cfg, log, bf.aclFile
	if bf.inMemoryWindow != 0 {
		bo.InMemoryWindow = bf.inMemoryWindow
	}
	b, err := broker.New(bo)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		b.Close()
		return err
	}
	if err := b.Start(ln); err != nil {
		b.Close()
		return err
	}
	log.Info("mqd broker ready", "addr", b.Addr(), "namesrv", cfg.NamesrvAddr, "store", cfg.StorePathRootDir)
	sig.wait(log)
	return b.Close()
}

// runHealthcheck exits 0 when the address accepts a TCP connection, for
// exec-form container healthchecks in images without a shell.
func runHealthcheck(args []string) error {
	addr := "127.0.0.1:10911"
	if len(args) > 0 {
		addr = args[0]
	}
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}
