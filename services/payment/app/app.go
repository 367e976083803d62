// Package app assembles the payment service: configuration, database,
// Redis, broker clients and the layers, into a kratos application. The
// command (cmd/payment) and the embedded shop both use New; it reads no
// files or flags.
package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/log"
	khttp "github.com/go-kratos/kratos/v2/transport/http"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/idemkey"
	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/redisx"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
	"github.com/sagashop/sagashop/services/payment/internal/data"
	"github.com/sagashop/sagashop/services/payment/internal/server"
	"github.com/sagashop/sagashop/services/payment/internal/service"
)

// Name is the service name in logs and in kratos.
const Name = "payment"

// Options configures New.
type Options struct {
	// Config is the YAML configuration (the schema of configs/config.yaml).
	Config []byte
	// UseEnv resolves ${SAGASHOP_...:default} placeholders in Config from
	// the environment; without it they take their defaults.
	UseEnv bool
	// Logger defaults to kratos' standard logger.
	Logger log.Logger
}

// New builds the payment service: it opens and migrates the database,
// connects Redis, creates the broker topics it uses, and returns the kratos
// app (HTTP, gRPC and the worker) and a cleanup that closes Redis and the
// database; call it after the app's Run returns.
func New(o Options) (*kratos.App, func(), error) {
	bc, err := loadConfig(o.Config, o.UseEnv)
	if err != nil {
		return nil, nil, err
	}
	logger := o.Logger
	if logger == nil {
		logger = log.DefaultLogger
	}
	logger = log.With(logger, "service", Name)
	var closers closerStack
	fail := func(err error) (*kratos.App, func(), error) {
		_ = closers.run() // the first error is the one to report
		return nil, nil, err
	}
	ctx := context.Background()

	dbc := bc.Data.Database
	gdb, err := db.Open(db.Options{
		Driver: dbc.Driver, DSN: dbc.Source, Logger: logger,
		MaxOpenConns: int(dbc.MaxOpenConns), MaxIdleConns: int(dbc.MaxIdleConns),
		ConnMaxLifetime: dbc.GetConnMaxLifetime().AsDuration(), SlowThreshold: dbc.GetSlowThreshold().AsDuration(),
	})
	if err != nil {
		return fail(fmt.Errorf("payment: %w", err))
	}
	closers.push(func() error { return db.Close(gdb) })
	if err := db.Migrate(ctx, gdb, data.Migrations()); err != nil {
		return fail(fmt.Errorf("payment: %w", err))
	}
	rc := bc.Data.Redis
	rdb, err := redisx.New(redisx.Options{Addr: rc.Addr, Password: rc.Password, DB: int(rc.Db)})
	if err != nil {
		return fail(fmt.Errorf("payment: %w", err))
	}
	closers.push(rdb.Close)

	conn, err := kit.DialGRPC(ctx, bc.Payment.OrderGrpc, bc.Payment.OrderTimeout.AsDuration())
	if err != nil {
		return fail(fmt.Errorf("payment: order service: %w", err))
	}
	closers.push(conn.Close)

	w, err := newWorkerParts(ctx, bc.Messaging, bc.Payment, gdb, logger)
	if err != nil {
		return fail(err)
	}
	tx := db.NewTx(gdb)
	uc := biz.NewPaymentUsecase(data.NewPaymentRepo(tx), data.NewOrders(conn), tx,
		data.NewEventPublisher(tx, w.Relay), data.NewDeduper(tx, bc.Messaging.Group),
		biz.Options{Attempts: int(bc.Payment.RetryAttempts), Logger: logger})
	worker, err := server.NewWorker(server.WorkerOptions{
		Producer: w.Producer, Relay: w.Relay, Consumer: w.Consumer,
		Handlers: service.NewEventHandlers(uc, logger),
	})
	if err != nil {
		return fail(err)
	}
	svc := service.NewPaymentService(uc, logger)
	idem := idemkey.Filter(idemkey.Options{
		Redis: rdb, Prefix: "idem:" + Name, TTL: bc.Payment.IdempotencyTtl.AsDuration(), Logger: logger,
	})
	app := kratos.New(
		kratos.Name(Name),
		kratos.Logger(logger),
		kratos.Server(
			server.NewHTTPServer(bc.Server, svc, []khttp.FilterFunc{idem}, logger),
			server.NewGRPCServer(bc.Server, svc, logger),
			worker,
		),
	)
	cleanup := func() {
		if err := closers.run(); err != nil {
			log.NewHelper(logger).Errorf("cleanup: %v", err)
		}
	}
	return app, cleanup, nil
}

// closerStack closes resources in reverse order of opening.
type closerStack []func() error

func (s *closerStack) push(f func() error) { *s = append(*s, f) }

// run closes everything (once) and returns every error.
func (s *closerStack) run() error {
	var errs []error
	for i := len(*s) - 1; i >= 0; i-- {
		errs = append(errs, (*s)[i]())
	}
	*s = nil
	return errors.Join(errs...)
}
