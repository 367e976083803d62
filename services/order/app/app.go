// Package app assembles the order service: configuration, database,
// Redis, broker clients, the layers, and the kratos application with its
// HTTP, gRPC and worker servers. The cmd main and the embedded shop both
// use it; it reads no files, flags or environment beyond Options.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idemkey"
	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/pkg/redisx"
	inventoryv1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
	"github.com/sagashop/sagashop/services/order/internal/data"
	"github.com/sagashop/sagashop/services/order/internal/server"
	"github.com/sagashop/sagashop/services/order/internal/service"
)

// Options configure New.
type Options struct {
	// Config is the YAML configuration, the schema of configs/config.yaml; required.
	Config []byte
	// UseEnv resolves ${NAME:default} placeholders from the environment;
	// without it they take their defaults.
	UseEnv bool
	// Logger receives every log line; default discards.
	Logger log.Logger
	// Fault, when set, is called with a fault point name when CreateOrder
	// reaches it ("order.before_local_commit", "order.after_local_commit");
	// tests use it to kill the process there. Default none.
	Fault func(point string)
}

// New builds the order service. The returned cleanup closes the inventory
// connection, Redis and the database (and releases broker clients that
// never started); call it after the app's Run returns, or instead of Run.
func New(o Options) (*kratos.App, func(), error) {
	if o.Logger == nil {
		o.Logger = log.NewStdLogger(io.Discard)
	}
	c, err := loadConfig(o.Config, o.UseEnv)
	if err != nil {
		return nil, nil, err
	}
	var closers []func() error
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i](); err != nil {
				log.NewHelper(o.Logger).Warnf("order: cleanup: %v", err)
			}
		}
	}
	app, err := build(o, c, &closers)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return app, cleanup, nil
}

// build does the work of New; every resource it opens is added to closers.
func build(o Options, c config, closers *[]func() error) (*kratos.App, error) {
	ctx := context.Background()
	logger := o.Logger
	gdb, err := openDB(ctx, c, logger)
	if err != nil {
		return nil, err
	}
	*closers = append(*closers, func() error { return db.Close(gdb) })

	rdb, err := redisx.New(redisx.Options{Addr: c.redisAddr, Password: c.redisPassword, DB: c.redisDB})
	if err != nil {
		return nil, fmt.Errorf("order: redis %s: %w", c.redisAddr, err)
	}
	*closers = append(*closers, rdb.Close)

	conn, err := kit.DialGRPC(ctx, c.inventoryAddr, c.inventoryTimeout)
	if err != nil {
		return nil, fmt.Errorf("order: inventory: %w", err)
	}
	*closers = append(*closers, conn.Close)

	topics := []string{event.TopicOrder, event.TopicStock, event.TopicPayment}
	if err := messaging.EnsureTopics(ctx, c.nameServers, topics, c.topicQueues); err != nil {
		return nil, fmt.Errorf("order: topics: %w", err)
	}
	tx := db.NewTx(gdb)
	changes := biz.NewNotifier() // wakes blocking GETs after an order's change commits
	orders := data.NewNotifyingOrderRepo(tx, changes)
	b, err := newBroker(c, orders, logger, closers)
	if err != nil {
		return nil, err
	}
	relay, err := outbox.NewRelay(outbox.RelayOptions{DB: gdb, Sender: b.producer, PollInterval: c.relayPoll, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("order: outbox relay: %w", err)
	}
	uc, err := biz.NewOrderUsecase(biz.Options{
		Orders: orders, Tx: tx, Dedup: data.NewDeduper(tx, c.group),
		Events:         data.NewEventPublisher(tx, relay),
		Created:        data.NewCreatedPublisher(b.txProducer, logger),
		Timeouts:       data.NewTimeoutScheduler(b.producer),
		Catalogue:      data.NewCatalogue(inventoryv1.NewInventoryClient(conn), c.productCacheTTL),
		PaymentTimeout: c.paymentTimeout, RetryAttempts: c.retryAttempts, Fault: o.Fault, Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	if err := server.Subscribe(b.consumer, service.NewEventHandler(uc, logger)); err != nil {
		return nil, fmt.Errorf("order: subscribe: %w", err)
	}
	sweeper, err := server.NewSweeper(uc.Sweep, c.sweepInterval, c.sweepGrace, logger)
	if err != nil {
		return nil, err
	}
	waiter, err := biz.NewWaiter(biz.WaiterOptions{Orders: orders, Changes: changes})
	if err != nil {
		return nil, err
	}
	svc := service.NewOrderService(uc, waiter, logger)
	idem := idemkey.Filter(idemkey.Options{Redis: rdb, Prefix: "idem:order", TTL: c.idempotencyTTL, Logger: logger})
	return kratos.New(
		kratos.ID(instanceID()),
		kratos.Name("order"),
		kratos.Logger(logger),
		// end blocking GETs first: the servers' graceful stop waits for them
		kratos.BeforeStop(func(context.Context) error { waiter.Stop(); return nil }),
		kratos.Server(
			server.NewHTTPServer(c.httpAddr, c.httpTimeout, svc, logger, idem),
			server.NewGRPCServer(c.grpcAddr, c.grpcTimeout, svc, logger),
			server.NewWorker(server.Worker{
				Producer: b.producer, TxProducer: b.txProducer, Relay: relay, Consumer: b.consumer, Sweeper: sweeper,
				WarmUp: func(ctx context.Context) error { return data.WarmUpTx(ctx, b.txProducer) }, Logger: logger,
			}),
		),
	), nil
}

// openDB opens the database and applies the migrations.
func openDB(ctx context.Context, c config, logger log.Logger) (*gorm.DB, error) {
	gdb, err := db.Open(db.Options{
		Driver: c.dbDriver, DSN: c.dbSource, MaxOpenConns: c.maxOpen, MaxIdleConns: c.maxIdle,
		ConnMaxLifetime: c.connLifetime, SlowThreshold: c.slowQuery, Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("order: database: %w", err)
	}
	if err := db.Migrate(ctx, gdb, data.Migrations()); err != nil {
		return nil, errors.Join(fmt.Errorf("order: migrate: %w", err), db.Close(gdb))
	}
	return gdb, nil
}

// brokerClients are the service's RocketMQ clients, not started.
type brokerClients struct {
	producer   *messaging.Producer
	txProducer *messaging.TxProducer
	consumer   *messaging.Consumer
}

// newBroker creates the producer, the transaction producer (whose
// check-back asks orders) and the consumer; closers get their Shutdown,
// which is a no-op after the worker stopped them.
func newBroker(c config, orders biz.OrderRepo, logger log.Logger, closers *[]func() error) (brokerClients, error) {
	var b brokerClients
	po := messaging.ProducerOptions{NameServers: c.nameServers, Group: c.producerGroup, SendTimeout: c.sendTimeout, Logger: logger}
	p, err := messaging.NewProducer(po)
	if err != nil {
		return b, fmt.Errorf("order: producer: %w", err)
	}
	*closers = append(*closers, p.Shutdown)
	po.Group = c.txGroup
	tp, err := messaging.NewTxProducer(po, data.NewChecker(orders, logger))
	if err != nil {
		return b, fmt.Errorf("order: transaction producer: %w", err)
	}
	*closers = append(*closers, tp.Shutdown)
	cons, err := messaging.NewConsumer(messaging.ConsumerOptions{
		NameServers: c.nameServers, Group: c.group, MaxReconsumeTimes: c.maxReconsume, Logger: logger,
	})
	if err != nil {
		return b, fmt.Errorf("order: consumer: %w", err)
	}
	*closers = append(*closers, cons.Shutdown)
	return brokerClients{producer: p, txProducer: tp, consumer: cons}, nil
}

// instanceID names this process in kratos' registry metadata.
func instanceID() string {
	host, _ := os.Hostname()
	return "order-" + host + "-" + strconv.Itoa(os.Getpid())
}
